"""Typed settings, read once from MM_* environment variables and passed down."""

from __future__ import annotations

from pathlib import Path
from typing import Literal

from pydantic import Field, field_validator
from pydantic_settings import BaseSettings, SettingsConfigDict


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="MM_", extra="ignore")

    database_url: str = "sqlite:///./var/manamitra.db"
    whatsapp_app_secret: str = "demo-app-secret"
    whatsapp_verify_token: str = "demo-verify-token"
    whatsapp_access_token: str = "demo-access-token"
    whatsapp_phone_number_id: str = "106540352242922"
    # More business numbers on the same account, comma-separated. Meta limits throughput per
    # number (inbound and outbound together), so a state that needs more than one number's
    # 1,000 messages/s spreads citizens over several; each reply leaves from the number the
    # citizen wrote to, each number with its own MM_SEND_RATE.
    whatsapp_extra_phone_number_ids: str = ""
    whatsapp_display_number: str = "919552300009"
    whatsapp_business_account_id: str = "102290129340398"
    graph_api_url: str = "https://graph.facebook.com"
    graph_api_version: str = "v23.0"
    send_rate: float = Field(default=80.0, gt=0, le=1000)
    public_url: str = "http://127.0.0.1:8000"
    session_idle_hours: float = 24.0
    # An unfinished form is kept this long after the citizen leaves it or goes quiet.
    draft_keep_days: float = Field(default=7.0, gt=0)
    # An optional chat-completion model (OpenAI-compatible /v1/chat/completions: vLLM,
    # Ollama, a state-hosted model) for messages the local engine cannot place; empty = off.
    llm_url: str = ""
    llm_model: str = ""
    llm_api_key: str = ""
    llm_timeout_seconds: float = Field(default=2.0, gt=0, le=30)
    # How long the inbox keeps what a citizen wrote once the message is processed; then only
    # what deduplication, audit and support need stays (wamid, sender, type, times, the
    # option tapped). Third-party numbers and answers typed in messages go with the text.
    inbox_retention_hours: float = Field(default=72.0, gt=0)
    webhook_max_body_bytes: int = 3 * 1024 * 1024
    inbox_workers: int = 4
    # What a process runs (PostgreSQL): "all"; "web" (the HTTP side and the inbox writer,
    # so the webhook's event loop shares its interpreter lock with nothing heavy); "jobs"
    # (workers, sender and the other background jobs, woken by PostgreSQL notifications).
    role: Literal["all", "web", "jobs"] = "all"
    data_dir: Path = Path("./var")
    # Keep the catalogue's parsed YAML under data_dir/cache between start-ups (a changed spec
    # file is parsed again; every check runs every time): catalog/parse_cache.py.
    catalog_cache: bool = True
    # Where start-up caches live (default data_dir/cache): a local disk when data_dir is slow
    # or shared, or one folder for many platforms built from the same code (the test suite's).
    cache_dir: Path | None = None
    keys_dir: Path | None = None
    data_key: str | None = None  # base64 32-byte key for encrypting personal data at rest
    # The key of the citizen pseudonym in domain events (a keyed HMAC of the WhatsApp id):
    # base64, 32 bytes; kept outside the database so the lake alone cannot be re-identified.
    # Unset, a key file is generated once under data_dir (events.key, mode 0600).
    events_key: str | None = None
    # Where `manamitra lake export` writes Parquet (default: data_dir/lake).
    lake_dir: Path | None = None
    # The platform exports events to the lake this often (minutes; 0 turns the job off).
    lake_export_minutes: float = Field(default=15.0, ge=0)
    # Date partitions older than this are dropped by the export job (days; 0 keeps all).
    lake_retention_days: int = Field(default=0, ge=0)
    log_level: str = "INFO"
    # How certificates are drawn: "fast" (≥ 100 a second a core; reaches into fpdf2's private
    # API, so fpdf2 is pinned and start-up refuses an fpdf2 whose internals moved) or "plain"
    # (fpdf2's public API only, ~6 a second a core): the same text, QR codes and verdicts.
    documents_renderer: Literal["fast", "plain"] = "fast"
    # /metrics answers a scraper that sends `Authorization: Bearer <token>`; with no token set
    # it answers only clients on this machine (loopback), so a public address never shows it.
    metrics_token: str | None = None
    # declared departments (departments/declared/*.yaml) whose real API is called, comma-separated
    departments_live: str = ""
    # Alerts and broadcasts (docs/alerts.md). Meta's portfolio limit of unique users a day
    # outside their service window: 250, 2000, 10000, 100000, or 0 for unlimited.
    alerts_daily_limit: int = 250
    # A campaign sends its canary first, and goes on only if at most this share failed ...
    alerts_canary_max_failure: float = Field(default=0.05, ge=0, le=1)
    # ... counted this long after the canary's last send (failures come back as webhooks).
    alerts_canary_wait_seconds: float = Field(default=30.0, ge=0)

    @field_validator("alerts_daily_limit")
    @classmethod
    def _meta_tier(cls, value: int) -> int:
        if value not in (0, 250, 2000, 10000, 100000):
            raise ValueError("one of Meta's tiers: 250, 2000, 10000, 100000, or 0 (unlimited)")
        return value

    @field_validator("graph_api_url", "public_url")
    @classmethod
    def _strip_slash(cls, value: str) -> str:
        return value.rstrip("/")

    @property
    def business_numbers(self) -> tuple[str, ...]:
        """The phone number ids we answer from; the first is the primary, used for messages
        to a citizen who has not written to any of them."""
        extra = [n.strip() for n in self.whatsapp_extra_phone_number_ids.split(",") if n.strip()]
        primary = self.whatsapp_phone_number_id
        return (primary, *dict.fromkeys(n for n in extra if n != primary))

    @property
    def graph_base(self) -> str:
        return f"{self.graph_api_url}/{self.graph_api_version}"

    @property
    def resolved_lake_dir(self) -> Path:
        return self.lake_dir or self.data_dir / "lake"

    @property
    def resolved_keys_dir(self) -> Path:
        return self.keys_dir or self.data_dir / "keys"


def load_settings(**overrides: object) -> Settings:
    return Settings(**overrides)  # type: ignore[arg-type]
