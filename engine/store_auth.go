package engine

// AuthQueries are the store operations of authentication: sessions, login attempts, API tokens.
type AuthQueries interface{}
