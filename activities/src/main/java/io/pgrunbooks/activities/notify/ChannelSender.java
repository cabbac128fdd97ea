package io.pgrunbooks.activities.notify;

/** Sends events to one configured channel. Secrets (URLs with tokens, keys, passwords) never reach a message. */
interface ChannelSender {
  void send(OutgoingEvent event) throws DeliveryFailure;
}
