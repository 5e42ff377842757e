"""The Messaging module: e-mail notifications and messages between vendors and customers."""
