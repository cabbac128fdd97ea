package io.pgrunbooks.activities.notify;

import io.pgrunbooks.config.ChannelConfig;
import io.pgrunbooks.workflows.activities.Notification;
import jakarta.mail.AuthenticationFailedException;
import jakarta.mail.Message;
import jakarta.mail.MessagingException;
import jakarta.mail.SendFailedException;
import jakarta.mail.Session;
import jakarta.mail.Transport;
import jakarta.mail.internet.InternetAddress;
import jakarta.mail.internet.MimeMessage;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Properties;
import org.eclipse.angus.mail.smtp.SMTPSendFailedException;

/**
 * E-mail over SMTP (STARTTLS by default). The Message-ID comes from the event's idempotency key, so a
 * message sent twice by a retry is one message to mail clients that thread or deduplicate by it.
 */
final class EmailSender implements ChannelSender {
  private static final int TIMEOUT_MS = (int) HttpPost.TIMEOUT.toMillis();

  private final ChannelConfig channel;
  private final String password;

  EmailSender(ChannelConfig channel, String password) {
    this.channel = channel;
    this.password = password;
  }

  @Override
  public void send(OutgoingEvent e) throws DeliveryFailure {
    String what = "channel " + channel.name() + " (email)";
    Properties props = new Properties();
    props.put("mail.smtp.host", channel.host());
    props.put("mail.smtp.port", String.valueOf(channel.port()));
    props.put("mail.smtp.connectiontimeout", String.valueOf(TIMEOUT_MS));
    props.put("mail.smtp.timeout", String.valueOf(TIMEOUT_MS));
    props.put("mail.smtp.writetimeout", String.valueOf(TIMEOUT_MS));
    props.put("mail.smtp.starttls.enable", String.valueOf(channel.starttls()));
    props.put("mail.smtp.starttls.required", String.valueOf(channel.starttls()));
    props.put("mail.smtp.auth", String.valueOf(channel.username() != null));
    Session session = Session.getInstance(props);
    String messageId = messageId(e.idempotencyKey());
    try {
      MimeMessage message = new MimeMessage(session) {
        @Override
        protected void updateMessageID() throws MessagingException {
          setHeader("Message-ID", messageId);
        }
      };
      message.setFrom(new InternetAddress(channel.from()));
      for (String to : channel.to()) {
        message.addRecipient(Message.RecipientType.TO, new InternetAddress(to));
      }
      message.setSubject("[pg-runbooks] " + e.title(), StandardCharsets.UTF_8.name());
      message.setText(body(e), StandardCharsets.UTF_8.name());
      message.setHeader("X-PG-Runbooks-Event", e.event());
      message.setHeader("X-PG-Runbooks-Dedup-Key", e.dedupKey());
      if (channel.username() != null) {
        Transport.send(message, channel.username(), password);
      } else {
        Transport.send(message);
      }
    } catch (AuthenticationFailedException ex) {
      throw new DeliveryFailure(what + ": SMTP server " + channel.host() + " refused the login of "
          + channel.username(), false);
    } catch (MessagingException ex) {
      int code = replyCode(ex);
      boolean permanent = code >= 500 || (ex instanceof SendFailedException s && s.getInvalidAddresses() != null
          && s.getInvalidAddresses().length > 0);
      throw new DeliveryFailure(what + ": SMTP server " + channel.host() + ":" + channel.port()
          + (code > 0 ? " answered " + code : " failed") + ": " + describe(ex, password), !permanent);
    }
  }

  static String body(OutgoingEvent e) {
    Notification n = e.notification();
    StringBuilder b = new StringBuilder(e.title()).append("\n\n");
    if (n.text() != null && !n.text().isBlank()) {
      b.append(n.text().strip()).append("\n\n");
    }
    if (e.approvalUrl() != null) {
      b.append("Decide on the approvals page: ").append(e.approvalUrl()).append('\n');
    }
    if (e.approveCommand() != null) {
      b.append("Approve from a shell: ").append(e.approveCommand()).append('\n');
    }
    if (n.fields() != null && !n.fields().isEmpty()) {
      b.append('\n');
      n.fields().forEach((k, v) -> b.append(k).append(": ").append(v).append('\n'));
    }
    b.append("\nRun: ").append(n.workflowId()).append("\n").append(e.runUrl()).append('\n');
    return b.toString();
  }

  /** {@code <sha256-of-key@pg-runbooks>}: stable per event, valid whatever characters the key holds. */
  static String messageId(String idempotencyKey) {
    try {
      byte[] hash = MessageDigest.getInstance("SHA-256").digest(idempotencyKey.getBytes(StandardCharsets.UTF_8));
      return "<" + HexFormat.of().formatHex(hash, 0, 20) + "@pg-runbooks>";
    } catch (NoSuchAlgorithmException ex) {
      throw new IllegalStateException(ex);
    }
  }

  private static int replyCode(Throwable ex) {
    for (Throwable t = ex; t != null; t = t.getCause()) {
      if (t instanceof SMTPSendFailedException s) {
        return s.getReturnCode();
      }
      if (t instanceof org.eclipse.angus.mail.smtp.SMTPAddressFailedException a) {
        return a.getReturnCode();
      }
    }
    return -1;
  }

  private static String describe(MessagingException ex, String password) {
    String m = ex.getClass().getSimpleName() + (ex.getMessage() == null ? "" : ": " + ex.getMessage().strip());
    if (ex.getNextException() != null && ex.getNextException() != ex) {
      m += " (" + ex.getNextException().getClass().getSimpleName() + ": " + ex.getNextException().getMessage() + ")";
    }
    return password != null && password.length() >= 4 ? m.replace(password, "<secret>") : m;
  }
}
