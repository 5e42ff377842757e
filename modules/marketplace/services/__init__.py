"""Marketplace services: reading feeds (``feeds``), checking rows (``rows``) and staging them
(``staging``)."""
