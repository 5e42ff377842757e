"""The Giftcards module. Its declaration lives in apps.py; see docs/modules.md."""
