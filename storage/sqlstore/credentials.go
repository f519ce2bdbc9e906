package sqlstore

// CredentialChange is what a committed write changed of someone's credentials: a user
// (their account, password or memberships, and with them all their sessions and tokens),
// one session (by the hash of its cookie) or one API token (by id). One field is set.
type CredentialChange struct {
	UserID, SessionHash, TokenID string
}

// CredentialWatcher is told of credential changes, for a cache of checked sessions and
// tokens: CredentialsChanged after each change commits, and CredentialFeed whether it is
// told of every change, other processes' included. While the feed is not live the watcher
// may have missed changes and must not trust what it remembers.
type CredentialWatcher interface {
	CredentialsChanged(CredentialChange)
	CredentialFeed(live bool)
}

// CredentialListener is a driver that hears the credential changes every process commits
// (PostgreSQL's NOTIFY): changed is called with each changed user's id, live with whether
// it is listening. Both are called from one goroutine, in order.
type CredentialListener interface {
	ListenCredentials(changed func(userID string), live func(bool))
}

// WatchCredentials tells w, synchronously after commit, of every credential change made
// through this store and, where the database carries notifications (PostgreSQL), of every
// other process's. It reports false when the database cannot tell of other processes'
// changes (SQLite): w is then never told the feed is live.
func (s *Store) WatchCredentials(w CredentialWatcher) bool {
	s.watchers.credentials.add(w)
	l, ok := s.driver.(CredentialListener)
	if !ok {
		return false
	}
	l.ListenCredentials(func(userID string) { w.CredentialsChanged(CredentialChange{UserID: userID}) }, w.CredentialFeed)
	return true
}

// tellCredentials gives every credential watcher each change.
func tellCredentials(ws *watchers, changes []CredentialChange) {
	if len(changes) == 0 {
		return
	}
	for _, w := range ws.credentials.snapshot() {
		for _, ch := range changes {
			w.CredentialsChanged(ch)
		}
	}
}

// credentialsChanged notes a change: told at once outside a transaction, after its
// commit inside one (a watcher that forgot early could learn the old state again from a
// read that runs before the commit).
func (q queries) credentialsChanged(err error, ch CredentialChange) error {
	switch {
	case err != nil:
	case q.rec != nil:
		q.rec.credentials = append(q.rec.credentials, ch)
	default:
		tellCredentials(q.watchers, []CredentialChange{ch})
	}
	return err
}
