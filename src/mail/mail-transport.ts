import { Injectable, OnModuleDestroy } from '@nestjs/common';
import { createTransport, Transporter } from 'nodemailer';
import SMTPTransport from 'nodemailer/lib/smtp-transport';
import { AppConfig } from '../config/app-config';
import { MailToSend } from './outgoing-mail';

/** Hands a mail to the mail server. Resolves once the server has accepted it; rejects otherwise. */
export abstract class MailTransport {
  abstract send(mail: MailToSend): Promise<{ messageId: string }>;
}

// A server that stops answering must fail the attempt (and schedule a retry), not hang the delivery job.
const TIMEOUT_MS = 30_000;

/** SMTP through nodemailer: the only code that knows nodemailer. */
@Injectable()
export class SmtpMailTransport extends MailTransport implements OnModuleDestroy {
  private readonly transporter: Transporter<SMTPTransport.SentMessageInfo>;
  private readonly from: string;

  constructor(config: AppConfig) {
    super();
    const { host, port, useTls, username, password, from } = config.mail;
    this.from = from;
    this.transporter = createTransport({
      host,
      port,
      // false still upgrades with STARTTLS when the server offers it.
      secure: useTls,
      auth: username ? { user: username, pass: password ?? '' } : undefined,
      connectionTimeout: TIMEOUT_MS,
      greetingTimeout: TIMEOUT_MS,
      socketTimeout: TIMEOUT_MS,
    });
  }

  async send(mail: MailToSend): Promise<{ messageId: string }> {
    // nodemailer puts `bcc` in the envelope only and leaves it out of the headers.
    const info = await this.transporter.sendMail({
      from: this.from,
      to: mail.to,
      cc: mail.cc,
      bcc: mail.bcc,
      subject: mail.subject,
      text: mail.text,
      html: mail.html ?? undefined,
      attachments: mail.attachments.map((a) => ({
        filename: a.filename,
        content: a.content,
        contentType: a.contentType,
        ...(a.cid ? { cid: a.cid, contentDisposition: 'inline' as const } : {}),
      })),
    });
    return { messageId: info.messageId };
  }

  onModuleDestroy(): void {
    this.transporter.close();
  }
}
