from datetime import UTC, datetime

from corrigo.domain.privacy import DailyHasher, reader_hash


def test_daily_hasher_matches_reader_hash_and_expires_at_utc_midnight() -> None:
    hasher = DailyHasher("2026-11-27", "salt-of-the-day")
    assert hasher.hash("198.51.100.7") == reader_hash("salt-of-the-day", "198.51.100.7")
    assert hasher.hash("198.51.100.7") == hasher.hash("198.51.100.7")
    assert hasher.hash("198.51.100.8") != hasher.hash("198.51.100.7")
    late = datetime(2026, 11, 27, 23, 59, 59, tzinfo=UTC).timestamp()
    assert hasher.valid_at(late)
    assert not hasher.valid_at(late + 1)
