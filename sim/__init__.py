"""Hiring Committee Simulator."""
