"""The REST API under /api/v1 (flask-smorest), with RFC 9457 problem+json errors."""
