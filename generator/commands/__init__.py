"""Thin commands: parse nothing, print results, return an exit code."""
