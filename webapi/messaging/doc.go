// Package messaging implements the HTML Standard's channel messaging within
// one realm: MessageChannel, MessagePort and MessageEvent
// (https://html.spec.whatwg.org/multipage/web-messaging.html), as workerd
// provides them inside an isolate. Install defines the globals.
//
// # Messages
//
// port.postMessage(message, transfer) or postMessage(message, {transfer})
// structured-clones the message at once with package structuredclone
// (serialization and deserialization are one pass, as for
// structuredClone: a DataCloneError is thrown by postMessage, and later
// changes to the message are not seen by the receiver). Transferred
// ArrayBuffers are detached; transferred MessagePorts are detached and
// replaced in the clone by new ports entangled with their remote ports,
// which take over the messages queued for them. A port cannot transfer
// itself (DataCloneError); transferring the target port loses the message
// and the channel, as the standard says.
//
// Each message is appended to the receiving port's message queue. The
// queue is disabled until start() is called or onmessage is set (setting
// it starts the port; addEventListener does not); then every message is
// delivered by a task of its own on the realm's loop, in order, as a
// trusted MessageEvent (data, origin "", lastEventId "", source null,
// ports: a frozen array of the transferred ports). close() sets the
// port's [[Detached]] slot (a closed port cannot be transferred) and
// disentangles both ports: later messages in either direction are dropped,
// messages already queued are still delivered, and a "close" event is
// fired, as a task, at the other port.
//
// # Request contexts
//
// A port belongs to the request that created it (new MessageChannel, or
// structuredClone with a transfer list); a port received in a message
// belongs to the request of the task that delivered it. A port made during
// static initialization belongs to no request and may be used by any.
// postMessage, start, close, addEventListener and the on<event> setters
// throw a TypeError from another request, and a port of another request
// cannot be transferred.
//
// The task that delivers a message belongs to the receiving port's
// request; for a port of no request, to the request that posted the
// message, or if none, to the request that started the port. Outside any
// request (static initialization) the message is delivered as a microtask
// instead, so that it runs, and is charged, within the code that posted it:
// a message loop during initialization ends with the initialization CPU
// limit rather than running unaccounted forever.
//
// Ports never keep a request alive and use no goroutines. When a request
// ends, each of its ports is closed (it is disentangled from its remote
// port, which gets a "close" event if it belongs to another request that
// is still running) and the messages queued for it are dropped, together
// with those it posted to ports of no request; the tasks already queued
// for it are dropped by the realm. A message whose transferred ports
// belonged to a request that has ended by the time it is delivered to a
// port of another request cannot be received: a "messageerror" event is
// fired instead. Within one realm this is the only way deserialization can
// fail.
//
// # Go API
//
// NewChannel makes an entangled pair of ports, PortFrom finds the
// MessagePort behind a script value, and NewMessageEvent makes a trusted
// MessageEvent for other message sources to dispatch. MessagePort
// implements structuredclone.Transferable, which is how structuredClone
// and postMessage transfer it. Everything runs on the realm's loop
// goroutine.
//
// Differences from workerd, where this package follows the standard:
// workerd delivers messages as microtasks, rejects non-empty transfer
// lists, starts a port when a message listener is added with
// addEventListener, and fires "close" at both ports.
package messaging
