"""The ``[plugins.exhibition]`` configuration section."""

from __future__ import annotations

from marshmallow import Schema, fields, validate


class ExhibitionConfig(Schema):
    #: Folder for uploaded images; empty: ``<instance>/exhibition-media``.
    media_dir = fields.String(load_default="")
    #: Largest accepted upload, in bytes (the global ``max_content_length`` also applies).
    max_image_bytes = fields.Integer(load_default=750_000,
                                     validate=validate.Range(min=10_000, max=50_000_000))
    #: Largest accepted image, in pixels (width × height), against decompression bombs.
    max_image_pixels = fields.Integer(load_default=40_000_000,
                                      validate=validate.Range(min=10_000, max=200_000_000))
    #: Longest side of the stored large image, in pixels.
    image_max_side = fields.Integer(load_default=1600, validate=validate.Range(min=320, max=4000))
    #: Width of thumbnails (4:3), in pixels.
    thumbnail_width = fields.Integer(load_default=480, validate=validate.Range(min=120, max=1200))
    #: Seconds anonymous visitors' browsers and proxies may keep the hall and booth pages.
    cache_max_age = fields.Integer(load_default=60, validate=validate.Range(min=0, max=86400))
