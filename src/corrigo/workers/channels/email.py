"""E-mail channel: SMTP with STARTTLS, implicit TLS or neither, from the CORRIGO_SMTP_* settings."""

from __future__ import annotations

from email.charset import QP, Charset
from email.header import Header
from email.mime.multipart import MIMEMultipart
from email.mime.text import MIMEText
from email.policy import compat32
from email.utils import formatdate

import aiosmtplib

from corrigo.config import Settings
from corrigo.workers.channels.base import DeliveryError, Target
from corrigo.workers.channels.http import snippet
from corrigo.workers.notice import Digest, Notice
from corrigo.workers.render.email import EmailContent, digest_email, notice_email

# SMTP wants CRLF line ends; the classic policy keeps headers exactly as set.
_WIRE = compat32.clone(linesep="\r\n")
# Quoted-printable keeps mostly-ASCII text readable in the raw message (base64 would not).
_UTF8 = Charset("utf-8")
_UTF8.body_encoding = QP


def build_message(sender: str, recipient: str, message_id: str, content: EmailContent) -> bytes:
    """A multipart/alternative message, text first and HTML second, ready for the wire.

    Built with the classic MIME classes: they serialise several times faster
    than ``EmailMessage`` with the modern policy, which matters when a burst of
    reports becomes a burst of mail. The Message-ID is derived from the event
    id, so a mailbox that receives a retried message can recognise it.
    """
    message = MIMEMultipart("alternative")
    message["From"] = sender
    message["To"] = recipient
    # Encoded-word: safe for any characters, and one logical line whatever the subject holds.
    # (The classic Message takes a Header and encodes it when serialising; typeshed
    # types header values as str only.)
    message["Subject"] = Header(content.subject, "utf-8")  # type: ignore[assignment]
    message["Date"] = formatdate(localtime=False)
    domain = sender.rpartition("@")[2].strip(">") or "corrigo.invalid"
    message["Message-ID"] = f"<{message_id}@{domain}>"
    # RFC 3834: tells auto-responders (vacation replies) not to answer.
    message["Auto-Submitted"] = "auto-generated"
    message["X-Corrigo-Event-Id"] = message_id
    message.attach(MIMEText(content.text, "plain", _UTF8))  # type: ignore[arg-type]
    message.attach(MIMEText(content.html, "html", _UTF8))  # type: ignore[arg-type]
    return message.as_bytes(policy=_WIRE)


class EmailSender:
    """Sends through the configured SMTP server, one connection per message."""

    def __init__(self, settings: Settings) -> None:
        self._settings = settings

    async def _send(self, target: Target, message_id: str, content: EmailContent) -> str:
        settings = self._settings
        if not settings.smtp_host:
            raise DeliveryError("CORRIGO_SMTP_HOST is not set")
        message = build_message(settings.smtp_from, target.address, message_id, content)
        try:
            _refused, reply = await aiosmtplib.send(
                message,
                sender=settings.smtp_from,
                recipients=[target.address],
                hostname=settings.smtp_host,
                port=settings.smtp_port,
                username=settings.smtp_user or None,
                password=settings.smtp_password or None,
                use_tls=settings.smtp_security == "tls",
                start_tls=settings.smtp_security == "starttls",
                timeout=settings.smtp_timeout,
            )
        except aiosmtplib.SMTPRecipientsRefused as exc:
            codes = [error.code for error in exc.recipients]
            raise DeliveryError(
                f"recipient refused: {exc}", permanent=all(code >= 500 for code in codes)
            ) from None
        except aiosmtplib.SMTPResponseException as exc:
            # 5xx for this message is final and 4xx means "later"; a refused login is
            # the server's configuration, which an operator can fix, so it is retried.
            final = exc.code >= 500 and not isinstance(exc, aiosmtplib.SMTPAuthenticationError)
            raise DeliveryError(f"SMTP {exc.code}: {exc.message}", permanent=final) from None
        except (aiosmtplib.SMTPException, OSError) as exc:
            raise DeliveryError(f"{type(exc).__name__}: {exc}") from None
        # The message is sent to one recipient, so it was accepted whole: DATA answered 250.
        return f"SMTP 250: {snippet(reply)}"

    async def send_notice(self, target: Target, notice: Notice) -> str:
        """Mail one event."""
        return await self._send(target, notice.event_id, notice_email(notice))

    async def send_digest(self, target: Target, digest: Digest) -> str:
        """Mail one digest."""
        return await self._send(target, digest.digest_id, digest_email(digest))
