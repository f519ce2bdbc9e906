package storetest

import (
	"context"
	"errors"
	"fmt"
	"testing"

	"github.com/google/uuid"

	"github.com/vanthu/vanthu/engine"
)

// testUserAdmin covers the queries of user administration: pages of an agency's users,
// searches, updates and temporary passwords.
func testUserAdmin(t *testing.T, open Opener) {
	t.Parallel()
	ctx := context.Background()
	s := setup(t, open)
	province := agency("H23", "Ủy ban nhân dân tỉnh Hòa Bình", "UBND", engine.TierProvince, "")
	district := agency("H23.10", "Ủy ban nhân dân huyện Mai Châu", "UBND", engine.TierDistrict, province.ID)
	for _, a := range []*engine.Agency{province, district} {
		if err := s.AgencyInsert(ctx, a); err != nil {
			t.Fatal(err)
		}
	}
	var users []*engine.User
	for i, name := range []string{"Đinh Văn An", "Lò Thị Bình", "Hà Văn Cường", "Bùi Thị Dung", "Nguyễn 100% Đúng"} {
		u := &engine.User{ID: uuid.NewString(), Username: fmt.Sprintf("user%d.tinh", i), FullName: name, PasswordHash: "h",
			CreatedAt: now(), MustChangePassword: i == 0}
		if err := s.UserInsert(ctx, u); err != nil {
			t.Fatal(err)
		}
		users = append(users, u)
		// Two roles in the province list the user once; the last user is the district's only.
		agencyID := province.ID
		if i == 4 {
			agencyID = district.ID
		}
		for _, role := range []engine.Role{engine.RoleSpecialist, engine.RoleClerk} {
			if err := s.MembershipInsert(ctx, &engine.Membership{UserID: u.ID, AgencyID: agencyID, Role: role}); err != nil {
				t.Fatal(err)
			}
		}
	}
	usernames := func(us []engine.User) []string {
		var out []string
		for _, u := range us {
			out = append(out, u.Username)
		}
		return out
	}

	t.Run("PagesAnAgencysUsersByUsername", func(t *testing.T) {
		first, err := s.UserListByAgency(ctx, engine.UserFilter{AgencyID: province.ID, Limit: 3})
		if err != nil || fmt.Sprint(usernames(first)) != "[user0.tinh user1.tinh user2.tinh]" || !first[0].MustChangePassword {
			t.Fatalf("first page = %v, %v", usernames(first), err)
		}
		rest, err := s.UserListByAgency(ctx, engine.UserFilter{AgencyID: province.ID, After: "user2.tinh", Limit: 3})
		if err != nil || fmt.Sprint(usernames(rest)) != "[user3.tinh]" {
			t.Fatalf("second page = %v, %v", usernames(rest), err)
		}
		n, err := s.UserCountByAgency(ctx, engine.UserFilter{AgencyID: province.ID})
		if err != nil || n != 4 {
			t.Fatalf("count = %d, %v", n, err)
		}
	})

	t.Run("SearchesUsernamesAndFullNames", func(t *testing.T) {
		for query, want := range map[string]string{"USER1": "[user1.tinh]", "thị": "[user1.tinh user3.tinh]", "bùi": "[user3.tinh]",
			"%": "[]", "_": "[]", "xyz": "[]"} {
			got, err := s.UserListByAgency(ctx, engine.UserFilter{AgencyID: province.ID, Query: query, Limit: 10})
			if err != nil || fmt.Sprint(usernames(got)) != want {
				t.Errorf("search %q = %v, %v; want %s", query, usernames(got), err, want)
			}
		}
		got, _ := s.UserListByAgency(ctx, engine.UserFilter{AgencyID: district.ID, Query: "100%", Limit: 10})
		if fmt.Sprint(usernames(got)) != "[user4.tinh]" {
			t.Errorf("a literal %% = %v", usernames(got))
		}
		if n, _ := s.UserCountByAgency(ctx, engine.UserFilter{AgencyID: province.ID, Query: "thị"}); n != 2 {
			t.Errorf("count of a search = %d", n)
		}
	})

	t.Run("UpdatesAndTemporaryPasswords", func(t *testing.T) {
		u := *users[1]
		u.FullName, u.Email, u.Disabled = "Lò Thị Bình An", "binh@hoabinh.gov.vn", true
		if err := s.UserUpdate(ctx, &u); err != nil {
			t.Fatal(err)
		}
		if got, _ := s.UserGetByID(ctx, u.ID); got != u {
			t.Fatalf("after update %+v, want %+v", got, u)
		}
		if err := s.UserResetPassword(ctx, u.ID, "$argon2id$temp"); err != nil {
			t.Fatal(err)
		}
		if got, _ := s.UserGetByID(ctx, u.ID); !got.MustChangePassword || got.PasswordHash != "$argon2id$temp" {
			t.Fatalf("after reset %+v", got)
		}
		if err := s.UserSetPassword(ctx, u.ID, "$argon2id$own"); err != nil {
			t.Fatal(err)
		}
		if got, _ := s.UserGetByID(ctx, u.ID); got.MustChangePassword {
			t.Fatal("a password of one's own is still temporary")
		}
		missing := engine.User{ID: uuid.NewString(), FullName: "x"}
		if err := s.UserUpdate(ctx, &missing); !errors.Is(err, engine.ErrNotFound) {
			t.Fatalf("update of a missing user: %v", err)
		}
		if err := s.UserResetPassword(ctx, missing.ID, "x"); !errors.Is(err, engine.ErrNotFound) {
			t.Fatalf("reset of a missing user: %v", err)
		}
	})

	t.Run("ReadsUsersByUsernames", func(t *testing.T) {
		names := []string{"nobody"}
		for i := range 120 { // more than one chunk of the query's slots
			names = append(names, fmt.Sprintf("ghost%d", i))
		}
		names = append(names, "user3.tinh", "user0.tinh")
		got, err := s.UserListByUsernames(ctx, names)
		if err != nil || len(got) != 2 {
			t.Fatalf("by usernames = %v, %v", usernames(got), err)
		}
	})
}
