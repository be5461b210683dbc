"""Clientdesk: client management for service businesses."""
