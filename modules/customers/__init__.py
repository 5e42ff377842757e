"""The Customers module.

Customer accounts of each vendor: profiles, addresses, consent and segments.
"""
