"""E-mail over SMTP (standard library ``smtplib``): STARTTLS before authenticating, the
credentials from the environment. Executive updates to a list by default; escalation steps go
to each person's own address. The Message-ID is made from the incident, event and target, so
a receiving system can drop a copy resent after a lost record."""

from __future__ import annotations

import smtplib
import ssl
from email.message import EmailMessage
from email.utils import format_datetime
from typing import Any

from incidentops.notify import message
from incidentops.notify.send import Context, DeliveryError, one_line
from incidentops.notify.targets import Target


class Email:
    def __init__(self, target: Target, ctx: Context) -> None:
        self.target, self.ctx = target, ctx

    def recipients(self, event: dict[str, Any]) -> list[str]:
        if event.get("kind") == "escalation":
            found = [
                str(((self.ctx.people.get(str(h)) or {}).get("contact") or {}).get("email", ""))
                for h in event.get("people", ())
            ]
            return [a for a in found if a]
        return [str(a) for a in self.target.get("to", ())]

    def mail(self, incident: dict[str, Any], event: dict[str, Any]) -> EmailMessage:
        mail = EmailMessage()
        mail["Subject"] = one_line(message.event_line(incident, event), 200)
        mail["From"] = str(self.target.get("from"))
        mail["To"] = ", ".join(self.recipients(event))
        mail["Date"] = format_datetime(self.ctx.now)
        domain = str(self.target.get("from")).rpartition("@")[2]
        mail["Message-ID"] = f"<{incident.get('id')}.{event.get('id')}.{self.target.name}@{domain}>"
        text = message.event_text(incident, event)
        link = message.link_of(incident, self.ctx.repository_url)
        mail.set_content(
            f"{message.headline(incident)}\n\n{text}\n" + (f"\n{link}\n" if link else "")
        )
        return mail

    def preview(
        self, incident: dict[str, Any], event: dict[str, Any], remote: dict[str, str]
    ) -> dict[str, Any]:
        mail = self.mail(incident, event)
        return {"to": mail["To"], "subject": mail["Subject"], "body": mail.get_content()}

    def send(self, incident: dict[str, Any], event: dict[str, Any], remote: dict[str, str]) -> None:
        mail = self.mail(incident, event)
        if not self.recipients(event):
            self.ctx.notes.append(f"{self.target.name}: no address for event {event.get('id')}")
            return
        host, port = str(self.target.get("host")), int(self.target.get("port", 587))
        user_env, password_env = self.target.get("username_env"), self.target.get("password_env")
        try:
            with smtplib.SMTP(host, port, timeout=self.target.timeout) as smtp:
                if self.target.get("starttls", True):
                    smtp.starttls(
                        context=ssl.create_default_context(cafile=self.target.get("ca_file"))
                    )
                if user_env:
                    smtp.login(
                        self.ctx.secret(self.target, user_env, "SMTP user"),
                        self.ctx.secret(self.target, password_env, "SMTP password"),
                    )
                refused = smtp.send_message(mail)
        except smtplib.SMTPRecipientsRefused as error:
            raise DeliveryError(
                f"{self.target.name}: every recipient refused ({', '.join(error.recipients)})"
            ) from None
        except smtplib.SMTPAuthenticationError as error:
            raise DeliveryError(
                f"{self.target.name}: SMTP authentication failed ({error.smtp_code})"
            ) from None
        except smtplib.SMTPResponseException as error:
            raise DeliveryError(
                f"{self.target.name}: SMTP server answered {error.smtp_code}"
            ) from None
        except (smtplib.SMTPException, OSError, ssl.SSLError) as error:
            cause = one_line(f"{type(error).__name__}: {error}", 100)
            raise DeliveryError(f"{self.target.name}: cannot send mail ({cause})") from None
        if refused:
            self.ctx.notes.append(f"{self.target.name}: refused {', '.join(sorted(refused))}")
