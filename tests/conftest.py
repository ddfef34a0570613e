"""Shared pytest configuration. Keep this minimal: fixtures belong in the test modules."""
