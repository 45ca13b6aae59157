"""Sinergi's testing kit, shipped as a pytest plugin (entry point ``pytest11``: ``sinergi``).

Install Sinergi in your plugin's environment and these fixtures are available in its tests:

- ``sinergi_config`` (session; override it): settings for the test app, e.g.
  ``{"plugin_modules": ["hello=sinergi_hello"], "plugins": {"hello": {"greeting": "hi"}}}``.
- ``sinergi_app``: one application per test session, migrated (core and enabled plugins) with
  the 514 regions loaded, on SQLite or on ``SINERGI_TEST_DATABASE_URL``; every table but the
  reference data is emptied after each test.
- ``sinergi_db``, ``sinergi_client``: its database and a Flask test client.
- ``sinergi_factory``: users per role, officers of a region, partners with their organisation,
  master plans in any state — all through the real services.
- ``sinergi_clients``: API test clients logged in as each role (``admin``, ``evaluator``,
  ``officer``, ``partner``, ``anonymous``).
- ``sinergi_events``: records the events published during the test and runs the enabled
  plugins' handlers in-process, deterministically (``dispatch()``).
- ``sinergi_sql_counter``: counts SQL statements (``with sinergi_sql_counter as c: ...``).
"""
