"""Code under `if __name__ == "__main__":` runs only when the module is run as a script, never
when pytest (or a test importing it) imports the module (mcp-server-langgraph's
`src/.../builder/api/server.py`: `uvicorn.run(app, port=8001)` in its main block)."""
import os
import socket

import uvicorn

app = object()


def test_binds_a_fixed_port():
    with socket.socket() as server:
        server.bind(("127.0.0.1", 8765))  # expect: hardcoded_port


def test_binds_it_too():
    with socket.socket() as server:
        server.bind(("127.0.0.1", 8765))  # expect: hardcoded_port


if __name__ == "__main__":
    os.environ["APP_MODE"] = "script"  # quiet: never runs under pytest
    uvicorn.run(app, host="0.0.0.0", port=8001)  # quiet
else:
    uvicorn.run(app, port=8003)  # expect: hardcoded_port

if "__main__" == __name__:
    uvicorn.run(app, port=8002)  # quiet: either operand order
