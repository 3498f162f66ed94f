"""Canary credentials used across the suite; the leak test fails if any appears in output."""

from __future__ import annotations

from typing import Any

APP_KEY = "canary-app-key-7Qm2x"
APP_SECRET = "CANARYappSecret5f1b9e3c"
USERNAME = "CANARYuser0a83cd"
PASSWORD = "CANARYpass0d4e77!"
WEBHOOK_SECRET = "CANARYwebhookSecret77aa12"

SECRETS: tuple[str, ...] = (APP_SECRET, USERNAME, PASSWORD, WEBHOOK_SECRET)

CREDENTIALS: dict[str, Any] = {
    "app_key": APP_KEY,
    "app_secret": APP_SECRET,
    "username": USERNAME,
    "password": PASSWORD,
}

ID_TOKEN = "CANARYidToken.1111"
ID_TOKEN_2 = "CANARYidToken.2222"
REFRESH_TOKEN = "CANARYrefreshToken.9999"

TOKENS: tuple[str, ...] = (ID_TOKEN, ID_TOKEN_2, REFRESH_TOKEN)
