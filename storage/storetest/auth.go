package storetest

import (
	"context"
	"errors"
	"reflect"
	"slices"
	"testing"
	"time"

	"github.com/google/uuid"

	"github.com/vanthu/vanthu/engine"
)

func testAuth(t *testing.T, open Opener) {
	t.Parallel()
	ctx := context.Background()
	s := setup(t, open)
	user := &engine.User{ID: uuid.NewString(), Username: "vanthu.tinh", FullName: "Nguyễn Thị Thư", CreatedAt: now()}
	if err := s.UserInsert(ctx, user); err != nil {
		t.Fatal(err)
	}
	t0 := now()

	t.Run("SessionsReadBackAndEnd", func(t *testing.T) {
		sess := engine.Session{IDHash: "a1", UserID: user.ID, CreatedAt: t0, LastSeenAt: t0, ExpiresAt: t0.Add(time.Hour),
			ClientIP: "10.0.0.7", UserAgent: "Firefox"}
		other := engine.Session{IDHash: "a2", UserID: user.ID, CreatedAt: t0, LastSeenAt: t0.Add(-2 * time.Hour),
			ExpiresAt: t0.Add(time.Hour)}
		for _, x := range []engine.Session{sess, other} {
			if err := s.SessionInsert(ctx, &x); err != nil {
				t.Fatal(err)
			}
		}
		got, holder, held, err := s.SessionGet(ctx, "a1")
		if err != nil || !reflect.DeepEqual(got, sess) {
			t.Fatalf("got %+v, %v; want %+v", got, err, sess)
		}
		if holder.ID != user.ID || holder.Username != user.Username || holder.Disabled != user.Disabled {
			t.Fatalf("the session's user: %+v, want %+v", holder, user)
		}
		if held == nil || len(held) != 0 {
			t.Fatalf("memberships of a user who holds none: %#v, want an empty list", held)
		}
		// The memberships come with the session, as they stand: one granted or taken away
		// counts from the next request on.
		agencies := []*engine.Agency{agency("H23", "Ủy ban nhân dân tỉnh Hòa Bình", "UBND", engine.TierProvince, "")}
		agencies = append(agencies, agency("H23.11", "Ủy ban nhân dân huyện Mai Châu", "UBND", engine.TierDistrict, agencies[0].ID))
		var want []engine.Membership
		for _, a := range agencies {
			if err := s.AgencyInsert(ctx, a); err != nil {
				t.Fatal(err)
			}
			m := engine.Membership{UserID: user.ID, AgencyID: a.ID, Role: engine.RoleClerk, Title: "Văn thư"}
			if err := s.MembershipInsert(ctx, &m); err != nil {
				t.Fatal(err)
			}
			want = append(want, m)
		}
		if _, _, held, err = s.SessionGet(ctx, "a1"); err != nil || !sameMemberships(held, want) {
			t.Fatalf("memberships with the session: %+v, %v; want %+v", held, err, want)
		}
		if err := s.MembershipDelete(ctx, &want[0]); err != nil {
			t.Fatal(err)
		}
		if _, _, held, err = s.SessionGet(ctx, "a1"); err != nil || !sameMemberships(held, want[1:]) {
			t.Fatalf("memberships after one was taken away: %+v, %v; want %+v", held, err, want[1:])
		}
		if err := s.SessionTouch(ctx, "a1", t0.Add(time.Minute)); err != nil {
			t.Fatal(err)
		}
		if got, _, _, _ := s.SessionGet(ctx, "a1"); !got.LastSeenAt.Equal(t0.Add(time.Minute)) {
			t.Fatalf("touch: last seen %v", got.LastSeenAt)
		}
		n, err := s.SessionDeleteExpired(ctx, t0, t0.Add(-time.Hour))
		if err != nil || n != 1 {
			t.Fatalf("expired sweep removed %d, %v; want the idle one", n, err)
		}
		if _, _, _, err := s.SessionGet(ctx, "a2"); !errors.Is(err, engine.ErrNotFound) {
			t.Fatalf("idle session survived: %v", err)
		}
		if n, err := s.SessionDeleteByUser(ctx, user.ID); err != nil || n != 1 {
			t.Fatalf("delete by user: %d, %v", n, err)
		}
		if err := s.SessionDelete(ctx, "a1"); !errors.Is(err, engine.ErrNotFound) {
			t.Fatalf("second delete: %v", err)
		}
	})

	t.Run("LoginFailuresCountInTheirWindow", func(t *testing.T) {
		for i := range 3 {
			if err := s.LoginFailureAdd(ctx, "user:x", t0.Add(time.Duration(i)*time.Minute), t0.Add(-time.Hour)); err != nil {
				t.Fatal(err)
			}
		}
		if n, err := s.LoginFailureCount(ctx, "user:x", t0.Add(time.Minute)); err != nil || n != 2 {
			t.Fatalf("count = %d, %v; want 2", n, err)
		}
		// adding with a later prune bound forgets the old ones
		if err := s.LoginFailureAdd(ctx, "user:x", t0.Add(time.Hour), t0.Add(30*time.Minute)); err != nil {
			t.Fatal(err)
		}
		if n, _ := s.LoginFailureCount(ctx, "user:x", t0.Add(-time.Hour)); n != 1 {
			t.Fatalf("after prune count = %d, want 1", n)
		}
		if err := s.LoginFailureClear(ctx, "user:x"); err != nil {
			t.Fatal(err)
		}
		if n, _ := s.LoginFailureCount(ctx, "user:x", t0.Add(-time.Hour)); n != 0 {
			t.Fatalf("after clear count = %d", n)
		}
	})

	t.Run("LocksAreReplaced", func(t *testing.T) {
		if _, err := s.LoginLockGet(ctx, "ip:10.0.0.7"); !errors.Is(err, engine.ErrNotFound) {
			t.Fatalf("no lock yet: %v", err)
		}
		for strikes := 1; strikes <= 2; strikes++ {
			l := engine.LoginLock{Key: "ip:10.0.0.7", LockedUntil: t0.Add(time.Duration(strikes) * time.Hour), Strikes: strikes}
			if err := s.LoginLockPut(ctx, l); err != nil {
				t.Fatal(err)
			}
			if got, err := s.LoginLockGet(ctx, l.Key); err != nil || got != l {
				t.Fatalf("got %+v, %v; want %+v", got, err, l)
			}
		}
		if err := s.LoginLockDelete(ctx, "ip:10.0.0.7"); err != nil {
			t.Fatal(err)
		}
	})

	t.Run("TokensAreFoundByHashAndRevokedOnce", func(t *testing.T) {
		exp := t0.Add(90 * 24 * time.Hour)
		tok := engine.APIToken{ID: uuid.NewString(), UserID: user.ID, Name: "Trục liên thông", Hash: "h1",
			Scopes: []string{"documents:read", "read"}, CreatedAt: t0, ExpiresAt: &exp}
		if err := s.APITokenInsert(ctx, &tok); err != nil {
			t.Fatal(err)
		}
		dup := tok
		dup.ID = uuid.NewString()
		if err := s.APITokenInsert(ctx, &dup); !errors.Is(err, engine.ErrConflict) {
			t.Fatalf("same hash twice: %v", err)
		}
		got, holder, _, err := s.APITokenGetByHash(ctx, "h1")
		if err != nil || !reflect.DeepEqual(got, tok) {
			t.Fatalf("got %+v, %v; want %+v", got, err, tok)
		}
		if holder.ID != user.ID || holder.Username != user.Username {
			t.Fatalf("the token's user: %+v, want %+v", holder, user)
		}
		if err := s.APITokenTouch(ctx, tok.ID, t0.Add(time.Minute)); err != nil {
			t.Fatal(err)
		}
		if err := s.APITokenRevoke(ctx, tok.ID, t0.Add(2*time.Minute)); err != nil {
			t.Fatal(err)
		}
		if err := s.APITokenRevoke(ctx, tok.ID, t0.Add(3*time.Minute)); !errors.Is(err, engine.ErrNotFound) {
			t.Fatalf("second revoke: %v", err)
		}
		ts, err := s.APITokenListByUser(ctx, user.ID)
		if err != nil || len(ts) != 1 || ts[0].RevokedAt == nil || !ts[0].RevokedAt.Equal(t0.Add(2*time.Minute)) ||
			ts[0].LastUsedAt == nil {
			t.Fatalf("list: %+v, %v", ts, err)
		}
	})

	t.Run("PasswordIsReplaced", func(t *testing.T) {
		if err := s.UserSetPassword(ctx, user.ID, "$argon2id$new"); err != nil {
			t.Fatal(err)
		}
		if got, _ := s.UserGetByID(ctx, user.ID); got.PasswordHash != "$argon2id$new" {
			t.Fatalf("hash = %q", got.PasswordHash)
		}
		if err := s.UserSetPassword(ctx, uuid.NewString(), "x"); !errors.Is(err, engine.ErrNotFound) {
			t.Fatalf("unknown user: %v", err)
		}
	})

	t.Run("SigningKeysNewestActiveWins", func(t *testing.T) {
		notAfter := t0.Add(365 * 24 * time.Hour)
		old := engine.SigningKey{ID: uuid.NewString(), OwnerKind: engine.KeyOwnerUser, OwnerID: user.ID, Kind: engine.KeyKindPKCS12,
			BlobKey: "keys/old.p12", Subject: "CN=Lê Văn A", CertSHA256: "aa", ImageKey: "keys/chu-ky.png", NotAfter: &notAfter,
			CreatedAt: t0}
		cur := old
		cur.ID, cur.BlobKey, cur.CreatedAt = uuid.NewString(), "keys/new.p12", t0.Add(time.Minute)
		token := engine.SigningKey{ID: uuid.NewString(), OwnerKind: engine.KeyOwnerUser, OwnerID: user.ID, Kind: engine.KeyKindPKCS11,
			PKCS11Module: "/usr/lib/softhsm/libsofthsm2.so", PKCS11Token: "vanthu", PKCS11Label: "leader", CreatedAt: t0.Add(2 * time.Minute)}
		for _, k := range []engine.SigningKey{old, cur, token} {
			if err := s.SigningKeyInsert(ctx, &k); err != nil {
				t.Fatal(err)
			}
		}
		got, err := s.SigningKeyGetActive(ctx, engine.KeyOwnerUser, user.ID)
		if err != nil || !reflect.DeepEqual(got, token) {
			t.Fatalf("active = %+v, %v; want the token key", got, err)
		}
		if err := s.SigningKeyRevoke(ctx, token.ID, t0.Add(3*time.Minute)); err != nil {
			t.Fatal(err)
		}
		if got, err := s.SigningKeyGetByID(ctx, old.ID); err != nil || !reflect.DeepEqual(got, old) {
			t.Fatalf("by id = %+v, %v; want %+v", got, err, old)
		}
		if got, _ := s.SigningKeyGetActive(ctx, engine.KeyOwnerUser, user.ID); got.ID != cur.ID {
			t.Fatalf("after revoking the newest, active = %s, want %s", got.BlobKey, cur.BlobKey)
		}
		if _, err := s.SigningKeyGetActive(ctx, engine.KeyOwnerAgency, user.ID); !errors.Is(err, engine.ErrNotFound) {
			t.Fatalf("agency key of a user: %v", err)
		}
		ks, err := s.SigningKeyListByOwner(ctx, engine.KeyOwnerUser, user.ID)
		if err != nil || len(ks) != 3 || ks[2].RevokedAt == nil {
			t.Fatalf("list: %d keys, %v", len(ks), err)
		}
		bad := old
		bad.ID, bad.OwnerKind = uuid.NewString(), "unit"
		if err := s.SigningKeyInsert(ctx, &bad); err == nil {
			t.Fatal("owner kind unit accepted")
		}
	})
}

// sameMemberships compares memberships whatever their order.
func sameMemberships(got, want []engine.Membership) bool {
	if len(got) != len(want) {
		return false
	}
	for _, w := range want {
		if !slices.Contains(got, w) {
			return false
		}
	}
	return true
}
