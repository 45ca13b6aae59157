"""Messages produced by marshmallow and webargs, listed so that they are extracted into our
translation catalogue; :func:`core.api.problems.translate` looks them up at render time."""

from flask_babel import lazy_gettext as _l

LIBRARY_MESSAGES = (
    _l("Missing data for required field."),
    _l("Unknown field."),
    _l("Field may not be null."),
    _l("Invalid value."),
    _l("Invalid input type."),
    _l("Not a valid integer."),
    _l("Not a valid number."),
    _l("Not a valid string."),
    _l("Not a valid boolean."),
    _l("Not a valid list."),
    _l("Not a valid email address."),
    _l("Not a valid datetime."),
    _l("Not a valid mapping type."),
    _l("Invalid JSON body."),
    _l("Must be one of: {choices}."),
    _l("String does not match expected pattern."),
    _l("Shorter than minimum length {min}."),
    _l("Longer than maximum length {max}."),
    _l("Length must be between {min} and {max}."),
    _l("Length must be {equal}."),
    _l("Must be greater than or equal to {min} and less than or equal to {max}."),
    _l("Must be greater than or equal to {min}."),
    _l("Must be less than or equal to {max}."),
    _l("Must be at most {max}."),
    _l("Not a valid date."),
    _l("Not a valid URL."),
    _l("Not a valid UUID."),
)
