from tests.bus.conftest import bus_app, make_bus_app  # noqa: F401
