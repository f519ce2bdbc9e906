package engine_test

import (
	"context"
	"errors"
	"fmt"
	"testing"
	"time"

	"github.com/vanthu/vanthu/engine"
	"github.com/vanthu/vanthu/engine/password"
)

// admins gives the province and the first district an admin each.
func admins(t *testing.T, b *bundle) (province, district engine.Actor) {
	t.Helper()
	ctx := context.Background()
	mk := func(name string, a engine.Agency) engine.Actor {
		u, err := b.eng.CreateUserWithHash(ctx, engine.System, engine.User{Username: name, FullName: "Quản trị " + name}, "x")
		must(t, err)
		must(t, b.eng.Grant(ctx, engine.System, engine.Membership{UserID: u.ID, AgencyID: a.ID, Role: engine.RoleAdmin}))
		return engine.Actor{UserID: u.ID, AgencyID: a.ID, Role: engine.RoleAdmin}
	}
	return mk("quantri.tinh", b.province.agency), mk("quantri.d0", b.districts[0].agency)
}

func TestUserAdministration(t *testing.T) {
	t.Parallel()
	forEachStore(t, func(t *testing.T, open opener) {
		ctx := context.Background()
		b := setup(t, open)
		provinceAdmin, districtAdmin := admins(t, b)
		d0, d1 := b.districts[0], b.districts[1]

		t.Run("AnAgencyAdminCannotTouchAnotherAgencysUsers", func(t *testing.T) {
			foreign := d1.specialist.UserID
			if _, _, err := b.eng.GetUser(ctx, districtAdmin, foreign); !errors.Is(err, engine.ErrNotFound) {
				t.Fatalf("read another district's user: %v, want not found", err)
			}
			if err := b.eng.UpdateUser(ctx, districtAdmin, foreign, "Đổi tên", ""); !errors.Is(err, engine.ErrNotFound) {
				t.Fatalf("edit: %v", err)
			}
			if err := b.eng.SetUserDisabled(ctx, districtAdmin, foreign, true); !errors.Is(err, engine.ErrNotFound) {
				t.Fatalf("deactivate: %v", err)
			}
			if _, err := b.eng.ResetPassword(ctx, districtAdmin, foreign); !errors.Is(err, engine.ErrNotFound) {
				t.Fatalf("reset: %v", err)
			}
			if _, err := b.eng.ListUsers(ctx, districtAdmin, engine.UserFilter{AgencyID: d1.agency.ID}); !errors.Is(err, engine.ErrForbidden) {
				t.Fatalf("list another district: %v", err)
			}
			if _, err := b.eng.ListUsers(ctx, districtAdmin, engine.UserFilter{AgencyID: b.province.agency.ID}); !errors.Is(err, engine.ErrForbidden) {
				t.Fatalf("list the province: %v", err)
			}
			// Granting one's own district's user a role in another district is refused too.
			err := b.eng.GrantRole(ctx, districtAdmin, engine.Membership{UserID: d0.clerk.UserID, AgencyID: d1.agency.ID, Role: engine.RoleClerk})
			if !errors.Is(err, engine.ErrForbidden) {
				t.Fatalf("grant in another district: %v", err)
			}
			if err := b.eng.RevokeRole(ctx, districtAdmin, engine.Membership{UserID: foreign, AgencyID: d1.agency.ID,
				UnitID: d1.culture.ID, Role: engine.RoleSpecialist}); !errors.Is(err, engine.ErrNotFound) {
				t.Fatalf("revoke: %v", err)
			}
			// A clerk is no admin at all.
			if _, _, err := b.eng.GetUser(ctx, d0.clerk, d0.specialist.UserID); !errors.Is(err, engine.ErrNotFound) {
				t.Fatalf("clerk reads a user: %v", err)
			}
			u, _ := b.store.UserGetByID(ctx, foreign)
			if u.FullName == "Đổi tên" || u.Disabled || u.MustChangePassword {
				t.Fatalf("the foreign user changed: %+v", u)
			}
		})

		t.Run("TheProvinceAdminManagesADistrictsUsers", func(t *testing.T) {
			page, err := b.eng.ListUsers(ctx, provinceAdmin, engine.UserFilter{AgencyID: d0.agency.ID, Query: "SPECIALIST"})
			if err != nil || len(page.Users) != 1 || page.Users[0].ID != d0.specialist.UserID || page.Total != 1 {
				t.Fatalf("search: %+v, %v", page, err)
			}
			must(t, b.eng.UpdateUser(ctx, provinceAdmin, d0.specialist.UserID, "Lò Thị Mai", "mai@maichau.gov.vn"))
			err = b.eng.UpdateUser(ctx, provinceAdmin, d0.specialist.UserID, "Lò Thị Mai", "không phải thư")
			if ve := (*engine.ValidationError)(nil); !errors.As(err, &ve) || ve.Field != "email" {
				t.Fatalf("bad e-mail: %v", err)
			}
			must(t, b.eng.GrantRole(ctx, provinceAdmin, engine.Membership{UserID: d0.specialist.UserID, AgencyID: d1.agency.ID,
				UnitID: d1.office.ID, Role: engine.RoleSpecialist}))
			_, ms, err := b.eng.GetUser(ctx, provinceAdmin, d0.specialist.UserID)
			if err != nil || len(ms) != 2 {
				t.Fatalf("memberships after grant: %+v, %v", ms, err)
			}
			must(t, b.eng.RevokeRole(ctx, provinceAdmin, ms[0]))
			_, ms, _ = b.eng.GetUser(ctx, provinceAdmin, d0.specialist.UserID)
			if err := b.eng.RevokeRole(ctx, provinceAdmin, ms[0]); !errors.Is(err, engine.ErrConflict) {
				t.Fatalf("revoking the last role: %v", err)
			}
		})

		t.Run("DeactivationEndsSessionsAndResetForcesAChange", func(t *testing.T) {
			id := d0.clerk.UserID
			now := time.Now().UTC().Truncate(time.Microsecond)
			must(t, b.store.SessionInsert(ctx, &engine.Session{IDHash: "h-" + id, UserID: id, CreatedAt: now,
				LastSeenAt: now, ExpiresAt: now.AddDate(0, 0, 1)}))
			must(t, b.eng.SetUserDisabled(ctx, districtAdmin, id, true))
			if _, _, _, err := b.store.SessionGet(ctx, "h-"+id); !errors.Is(err, engine.ErrNotFound) {
				t.Fatalf("session after deactivation: %v", err)
			}
			if _, err := b.eng.Authenticate(ctx, "clerk.d0", "x"); !errors.Is(err, engine.ErrBadLogin) {
				t.Fatalf("a deactivated user logs in: %v", err)
			}
			if err := b.eng.SetUserDisabled(ctx, districtAdmin, districtAdmin.UserID, true); !errors.Is(err, engine.ErrForbidden) {
				t.Fatalf("deactivating oneself: %v", err)
			}
			must(t, b.eng.SetUserDisabled(ctx, districtAdmin, id, false))
			temp, err := b.eng.ResetPassword(ctx, districtAdmin, id)
			must(t, err)
			u, err := b.eng.Authenticate(ctx, "clerk.d0", temp)
			if err != nil || !u.MustChangePassword {
				t.Fatalf("login with the temporary password: %+v, %v", u, err)
			}
			must(t, b.eng.ChangePassword(ctx, engine.Actor{UserID: id}, id, "mat-khau-rieng"))
			if u, _ := b.store.UserGetByID(ctx, id); u.MustChangePassword {
				t.Fatal("still must change after changing")
			}
			events, err := b.store.AuditListByAgency(ctx, d0.agency.ID, 0, 1000)
			must(t, err)
			seen := map[string]bool{}
			for _, e := range events {
				if e.ObjectID == id {
					seen[e.Action] = true
				}
			}
			for _, a := range []string{"deactivate_user", "reactivate_user", "reset_password", "change_password"} {
				if !seen[a] {
					t.Errorf("no %s event in the district's chain", a)
				}
			}
		})

		t.Run("CreateStaffGivesATemporaryPassword", func(t *testing.T) {
			u, temp, err := b.eng.CreateStaff(ctx, districtAdmin, engine.User{Username: "lo.van.a", FullName: "Lò Văn A"},
				engine.Membership{AgencyID: d0.agency.ID, UnitID: d0.office.ID, Role: engine.RoleClerk})
			must(t, err)
			if got, err := b.eng.Authenticate(ctx, "lo.van.a", temp); err != nil || got.ID != u.ID || !got.MustChangePassword {
				t.Fatalf("new user's login: %+v, %v", got, err)
			}
			_, _, err = b.eng.CreateStaff(ctx, districtAdmin, engine.User{Username: "lo.van.b", FullName: "Lò Văn B"},
				engine.Membership{AgencyID: d1.agency.ID, Role: engine.RoleClerk})
			if !errors.Is(err, engine.ErrForbidden) {
				t.Fatalf("creating in another district: %v", err)
			}
			if _, err := b.store.UserGetByUsername(ctx, "lo.van.b"); !errors.Is(err, engine.ErrNotFound) {
				t.Fatalf("the refused user exists: %v", err)
			}
		})
	})
}

func TestImportUsersIsAllOrNothing(t *testing.T) {
	t.Parallel()
	forEachStore(t, func(t *testing.T, open opener) {
		ctx := context.Background()
		b := setup(t, open)
		_, districtAdmin := admins(t, b)
		d0, d1 := b.districts[0], b.districts[1]
		rows := make([]engine.ImportRow, 50)
		for i := range rows {
			rows[i] = engine.ImportRow{Line: i + 2, Username: fmt.Sprintf("cv%02d.d0", i), FullName: fmt.Sprintf("Chuyên viên %d", i),
				Email: fmt.Sprintf("cv%d@maichau.gov.vn", i), AgencyCode: d0.agency.Code, Unit: "vx", Role: "Chuyên viên"}
		}
		bad := []struct {
			field, code string
			edit        func(r *engine.ImportRow)
		}{
			{"agency_code", engine.ImportUnknownAgency, func(r *engine.ImportRow) { r.AgencyCode = "X99" }},
			{"agency_code", engine.ImportNotYourAgency, func(r *engine.ImportRow) { r.AgencyCode = d1.agency.Code }},
			{"role", engine.ImportUnknownRole, func(r *engine.ImportRow) { r.Role = "thủ quỹ" }},
			{"username", engine.ImportDuplicateInFile, func(r *engine.ImportRow) { r.Username = "cv00.d0" }},
			{"username", engine.ImportUsernameTaken, func(r *engine.ImportRow) { r.Username = "clerk.d0" }},
			{"email", engine.ImportBadEmail, func(r *engine.ImportRow) { r.Email = "a@" }},
			{"full_name", engine.ImportMissing, func(r *engine.ImportRow) { r.FullName = " " }},
			{"unit", engine.ImportUnknownUnit, func(r *engine.ImportRow) { r.Unit = "KHONG" }},
		}
		for _, c := range bad {
			t.Run("Reports_"+c.code, func(t *testing.T) {
				file := append([]engine.ImportRow(nil), rows...)
				c.edit(&file[40])
				checks, err := b.eng.CheckImport(ctx, districtAdmin, file)
				must(t, err)
				for i, ck := range checks {
					want := 0
					if i == 40 {
						want = 1
					}
					if len(ck.Problems) != want {
						t.Fatalf("row %d: %+v", i, ck.Problems)
					}
				}
				if p := checks[40].Problems[0]; p.Field != c.field || p.Code != c.code {
					t.Fatalf("problem = %+v, want %s %s", p, c.field, c.code)
				}
				_, err = b.eng.ImportUsers(ctx, districtAdmin, file)
				var ie *engine.ImportError
				if !errors.As(err, &ie) || ie.Bad != 1 {
					t.Fatalf("import: %v", err)
				}
				if _, err := b.store.UserGetByUsername(ctx, "cv01.d0"); !errors.Is(err, engine.ErrNotFound) {
					t.Fatalf("a row was imported: %v", err)
				}
			})
		}

		t.Run("ImportsEveryRowOfAGoodFile", func(t *testing.T) {
			out, err := b.eng.ImportUsers(ctx, districtAdmin, rows)
			must(t, err)
			if len(out) != len(rows) {
				t.Fatalf("imported %d", len(out))
			}
			u, err := b.eng.Authenticate(ctx, "cv07.d0", out[7].TempPassword)
			if err != nil || !u.MustChangePassword || u.Email != "cv7@maichau.gov.vn" {
				t.Fatalf("imported user's login: %+v, %v", u, err)
			}
			ms, _ := b.store.MembershipListByUser(ctx, u.ID)
			if len(ms) != 1 || ms[0].UnitID != d0.culture.ID || ms[0].Role != engine.RoleSpecialist {
				t.Fatalf("membership: %+v", ms)
			}
			page, err := b.eng.ListUsers(ctx, districtAdmin, engine.UserFilter{AgencyID: d0.agency.ID, Limit: 20})
			if err != nil || len(page.Users) != 20 || page.Next == "" || page.Total != 50+7 {
				t.Fatalf("first page: %d users, next %q, total %d, %v", len(page.Users), page.Next, page.Total, err)
			}
			again, err := b.eng.ImportUsers(ctx, districtAdmin, rows)
			var ie *engine.ImportError
			if !errors.As(err, &ie) || ie.Bad != len(rows) || again != nil {
				t.Fatalf("importing the same file twice: %v", err)
			}
		})
	})
}

func TestTemporaryPasswordsDiffer(t *testing.T) {
	t.Parallel()
	seen := map[string]bool{}
	for range 1000 {
		p, err := password.Temporary()
		must(t, err)
		if len(p) != 14 || seen[p] {
			t.Fatalf("temporary password %q", p)
		}
		seen[p] = true
	}
}
