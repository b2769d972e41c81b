"""Claim checking (placeholder)."""
