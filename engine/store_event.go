package engine

// EventQueries are the store operations of events: webhooks, their deliveries, e-mail outbox.
type EventQueries interface{}
