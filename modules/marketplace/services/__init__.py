"""Marketplace services: reading feeds (``feeds``), checking rows (``rows``), staging them
(``staging``), publishing them to the catalogue (``publishing``), and running jobs (``jobs``)."""
