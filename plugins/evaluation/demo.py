def load(session, context):
    return None
