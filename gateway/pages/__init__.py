"""The web pages, one blueprint per page family (registered from ``gateway.blueprints``)."""
