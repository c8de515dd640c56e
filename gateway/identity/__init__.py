"""Who people are: accounts, one-time links, login with password and code, single sign-on.

No module here imports a page or the API; only ``login`` and ``oidc`` are views themselves.
"""
