"""The reports in headless Chromium: DOM, console, screenshots, PDF."""
