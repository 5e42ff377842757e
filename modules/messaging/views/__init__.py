"""Messaging pages, one file per frontend (thin: the rules are the services')."""
