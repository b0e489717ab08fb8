"""A tiny application for the example suite to test."""

import os


def api_url() -> str:
    return os.environ.get("INVENTORY_API_URL", "https://inventory.example")


def debug_enabled() -> bool:
    return os.environ.get("INVENTORY_DEBUG") == "1"


class Client:
    def __init__(self, transport):
        self.transport = transport

    def stock(self, sku: str) -> int:
        return self.transport.get(f"{api_url()}/stock/{sku}")["count"]
