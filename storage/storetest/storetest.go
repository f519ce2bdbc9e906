// Package storetest is the conformance suite every engine.Store implementation passes.
// storage/postgres and storage/sqlite run it against their real databases.
package storetest

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/google/uuid"

	"github.com/vanthu/vanthu/engine"
)

// Store is what the suite needs of an implementation beyond engine.Store.
type Store interface {
	engine.Store
	Migrate(ctx context.Context) (int, error)
	SchemaVersion(ctx context.Context) (int, error)
	LatestSchemaVersion() (int, error)
}

// Opener returns a fresh, empty database for one test. Calling it twice within a test
// must give two handles on the same database (several nodes sharing one database).
type Opener func(t *testing.T) func() Store

// Run runs the whole suite.
func Run(t *testing.T, open Opener) {
	t.Run("Migrations", func(t *testing.T) { testMigrations(t, open) })
	t.Run("Agencies", func(t *testing.T) { testAgencies(t, open) })
	t.Run("UnitsUsersMemberships", func(t *testing.T) { testPeople(t, open) })
	t.Run("UserAdministration", func(t *testing.T) { testUserAdmin(t, open) })
	t.Run("Transactions", func(t *testing.T) { testTransactions(t, open) })
	t.Run("Documents", func(t *testing.T) { testDocuments(t, open) })
	t.Run("Inbox", func(t *testing.T) { testInbox(t, open) })
	t.Run("HolderTasks", func(t *testing.T) { testHolderTasks(t, open) })
	t.Run("Search", func(t *testing.T) { testSearch(t, open) })
	t.Run("Archive", func(t *testing.T) { testArchive(t, open) })
	t.Run("Retention", func(t *testing.T) { testRetention(t, open) })
	t.Run("Auth", func(t *testing.T) { testAuth(t, open) })
	t.Run("Events", func(t *testing.T) { testEvent(t, open) })
	t.Run("Replies", func(t *testing.T) { testReplies(t, open) })
	t.Run("Axis", func(t *testing.T) { testAxis(t, open) })
	t.Run("Reports", func(t *testing.T) { testReports(t, open) })
}

// setup opens one migrated store on a fresh database.
func setup(t *testing.T, open Opener) Store {
	t.Helper()
	s := open(t)()
	if _, err := s.Migrate(context.Background()); err != nil {
		t.Fatalf("migrate: %v", err)
	}
	return s
}

func testMigrations(t *testing.T, open Opener) {
	t.Parallel()
	ctx := context.Background()
	newHandle := open(t)

	t.Run("ConcurrentNodesMigrateOnce", func(t *testing.T) {
		const nodes = 4
		stores := make([]Store, nodes)
		for i := range stores {
			stores[i] = newHandle()
		}
		applied := make([]int, nodes)
		errs := make([]error, nodes)
		var wg sync.WaitGroup
		for i, s := range stores {
			wg.Add(1)
			go func() {
				defer wg.Done()
				applied[i], errs[i] = s.Migrate(ctx)
			}()
		}
		wg.Wait()
		total := 0
		for i := range stores {
			if errs[i] != nil {
				t.Fatalf("node %d: %v", i, errs[i])
			}
			total += applied[i]
		}
		latest, err := stores[0].LatestSchemaVersion()
		if err != nil {
			t.Fatal(err)
		}
		if total != latest {
			t.Fatalf("nodes applied %d migrations in total, want each of the %d exactly once", total, latest)
		}
		got, err := stores[0].SchemaVersion(ctx)
		if err != nil || got != latest {
			t.Fatalf("schema version = %d, %v; want %d", got, err, latest)
		}
	})

	t.Run("SecondRunAppliesNothing", func(t *testing.T) {
		n, err := newHandle().Migrate(ctx)
		if err != nil || n != 0 {
			t.Fatalf("second migrate applied %d, %v; want 0, nil", n, err)
		}
	})
}

func testAgencies(t *testing.T, open Opener) {
	t.Parallel()
	ctx := context.Background()
	s := setup(t, open)

	province := agency("H23", "Ủy ban nhân dân tỉnh Hòa Bình", "UBND", engine.TierProvince, "")
	district := agency("H23.10", "Ủy ban nhân dân huyện Mai Châu", "UBND", engine.TierDistrict, province.ID)
	commune := agency("H23.10.01", "Ủy ban nhân dân xã Đồng Bảng", "UBND", engine.TierCommune, district.ID)
	department := agency("H23.01", "Sở Nội vụ tỉnh Hòa Bình", "SNV", engine.TierProvince, province.ID)
	for _, a := range []*engine.Agency{province, district, commune, department} {
		if err := s.AgencyInsert(ctx, a); err != nil {
			t.Fatalf("insert %s: %v", a.Code, err)
		}
	}

	t.Run("ReadsBackWhatWasWritten", func(t *testing.T) {
		got, err := s.AgencyGetByID(ctx, commune.ID)
		if err != nil {
			t.Fatal(err)
		}
		if got != *commune {
			t.Fatalf("got %+v\nwant %+v", got, *commune)
		}
		byCode, err := s.AgencyGetByCode(ctx, "H23.10")
		if err != nil || byCode.ID != district.ID || byCode.Name != district.Name {
			t.Fatalf("by code: %+v, %v", byCode, err)
		}
	})

	t.Run("MissingAgencyIsNotFound", func(t *testing.T) {
		_, err := s.AgencyGetByID(ctx, uuid.NewString())
		if !errors.Is(err, engine.ErrNotFound) {
			t.Fatalf("got %v, want ErrNotFound", err)
		}
		_, err = s.AgencyGetByCode(ctx, "H99")
		if !errors.Is(err, engine.ErrNotFound) {
			t.Fatalf("by code: got %v, want ErrNotFound", err)
		}
	})

	t.Run("DuplicateCodeIsConflict", func(t *testing.T) {
		dup := agency("H23.01", "Another", "X", engine.TierProvince, province.ID)
		if err := s.AgencyInsert(ctx, dup); !errors.Is(err, engine.ErrConflict) {
			t.Fatalf("got %v, want ErrConflict", err)
		}
	})

	t.Run("UnknownParentIsRefused", func(t *testing.T) {
		orphan := agency("H24", "Orphan", "X", engine.TierDistrict, uuid.NewString())
		if err := s.AgencyInsert(ctx, orphan); err == nil {
			t.Fatal("insert with unknown parent succeeded")
		}
	})

	t.Run("SubtreeListsParentsBeforeChildren", func(t *testing.T) {
		tree, err := s.AgencyListSubtree(ctx, province.ID)
		if err != nil {
			t.Fatal(err)
		}
		codes := codesOf(tree)
		want := []string{"H23", "H23.01", "H23.10", "H23.10.01"}
		if fmt.Sprint(codes) != fmt.Sprint(want) {
			t.Fatalf("subtree = %v, want %v", codes, want)
		}
		sub, err := s.AgencyListSubtree(ctx, district.ID)
		if err != nil || fmt.Sprint(codesOf(sub)) != "[H23.10 H23.10.01]" {
			t.Fatalf("district subtree = %v, %v", codesOf(sub), err)
		}
	})

	t.Run("MergerRecordsSuccessor", func(t *testing.T) {
		// 2025: the district tier ends; the commune now hangs directly under the province.
		end := time.Date(2025, 7, 1, 0, 0, 0, 0, time.UTC)
		d := *district
		d.ValidTo, d.SuccessorID = &end, province.ID
		if err := s.AgencyUpdate(ctx, &d); err != nil {
			t.Fatal(err)
		}
		got, err := s.AgencyGetByID(ctx, district.ID)
		if err != nil || got.ValidTo == nil || !got.ValidTo.Equal(end) || got.SuccessorID != province.ID {
			t.Fatalf("after merger: %+v, %v", got, err)
		}
		missing := *district
		missing.ID = uuid.NewString()
		missing.Code = "H23.99"
		if err := s.AgencyUpdate(ctx, &missing); !errors.Is(err, engine.ErrNotFound) {
			t.Fatalf("update of a missing agency: %v, want ErrNotFound", err)
		}
	})

	t.Run("CountsAndLists", func(t *testing.T) {
		n, err := s.AgencyCount(ctx)
		if err != nil || n != 4 {
			t.Fatalf("count = %d, %v; want 4", n, err)
		}
		all, err := s.AgencyList(ctx)
		if err != nil || len(all) != 4 || all[0].Code != "H23" {
			t.Fatalf("list = %v, %v", codesOf(all), err)
		}
	})
}

func testPeople(t *testing.T, open Opener) {
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
	office := &engine.Unit{ID: uuid.NewString(), AgencyID: province.ID, Name: "Văn phòng", ShortName: "VP", CreatedAt: now()}
	culture := &engine.Unit{ID: uuid.NewString(), AgencyID: province.ID, Name: "Khối Văn hóa – Xã hội", ShortName: "VX", CreatedAt: now()}
	for _, u := range []*engine.Unit{office, culture} {
		if err := s.UnitInsert(ctx, u); err != nil {
			t.Fatal(err)
		}
	}
	user := &engine.User{ID: uuid.NewString(), Username: "nguyen.van.chien", FullName: "Nguyễn Văn Chiến",
		Email: "chien@hoabinh.gov.vn", PasswordHash: "$argon2id$x", CreatedAt: now()}
	if err := s.UserInsert(ctx, user); err != nil {
		t.Fatal(err)
	}

	t.Run("UnitsListPerAgency", func(t *testing.T) {
		units, err := s.UnitListByAgency(ctx, province.ID)
		if err != nil || len(units) != 2 || units[0] != *office || units[1] != *culture {
			t.Fatalf("units = %+v, %v", units, err)
		}
		dup := &engine.Unit{ID: uuid.NewString(), AgencyID: province.ID, Name: "Trùng", ShortName: "VP", CreatedAt: now()}
		if err := s.UnitInsert(ctx, dup); !errors.Is(err, engine.ErrConflict) {
			t.Fatalf("duplicate short name: %v, want ErrConflict", err)
		}
		sameNameElsewhere := &engine.Unit{ID: uuid.NewString(), AgencyID: district.ID, Name: "Văn phòng", ShortName: "VP", CreatedAt: now()}
		if err := s.UnitInsert(ctx, sameNameElsewhere); err != nil {
			t.Fatalf("same short name in another agency: %v", err)
		}
	})

	t.Run("UsersReadBack", func(t *testing.T) {
		got, err := s.UserGetByUsername(ctx, "nguyen.van.chien")
		if err != nil || got != *user {
			t.Fatalf("got %+v, %v; want %+v", got, err, *user)
		}
		dup := *user
		dup.ID = uuid.NewString()
		if err := s.UserInsert(ctx, &dup); !errors.Is(err, engine.ErrConflict) {
			t.Fatalf("duplicate username: %v, want ErrConflict", err)
		}
		if _, err := s.UserGetByID(ctx, uuid.NewString()); !errors.Is(err, engine.ErrNotFound) {
			t.Fatalf("missing user: %v", err)
		}
	})

	t.Run("AUserHoldsRolesInSeveralAgencies", func(t *testing.T) {
		grants := []engine.Membership{
			{UserID: user.ID, AgencyID: province.ID, Role: engine.RoleDeputyLeader, Title: "Phó Chủ tịch"},
			{UserID: user.ID, AgencyID: province.ID, UnitID: culture.ID, Role: engine.RoleUnitHead, Title: "Trưởng khối"},
			{UserID: user.ID, AgencyID: district.ID, Role: engine.RoleAdmin},
		}
		for i := range grants {
			if err := s.MembershipInsert(ctx, &grants[i]); err != nil {
				t.Fatal(err)
			}
		}
		if err := s.MembershipInsert(ctx, &grants[0]); !errors.Is(err, engine.ErrConflict) {
			t.Fatalf("same grant twice: %v, want ErrConflict", err)
		}
		mine, err := s.MembershipListByUser(ctx, user.ID)
		if err != nil || len(mine) != 3 {
			t.Fatalf("memberships = %+v, %v", mine, err)
		}
		inProvince, err := s.MembershipListByAgency(ctx, province.ID)
		if err != nil || len(inProvince) != 2 {
			t.Fatalf("province memberships = %+v, %v", inProvince, err)
		}
		if err := s.MembershipDelete(ctx, &grants[0]); err != nil {
			t.Fatal(err)
		}
		if err := s.MembershipDelete(ctx, &grants[0]); !errors.Is(err, engine.ErrNotFound) {
			t.Fatalf("deleting twice: %v, want ErrNotFound", err)
		}
		left, _ := s.MembershipListByAgency(ctx, province.ID)
		if len(left) != 1 || left[0].UnitID != culture.ID || left[0].Role != engine.RoleUnitHead {
			t.Fatalf("after delete: %+v", left)
		}
	})
}

func testTransactions(t *testing.T, open Opener) {
	t.Parallel()
	ctx := context.Background()
	s := setup(t, open)

	t.Run("FailureRollsBackEverything", func(t *testing.T) {
		boom := errors.New("boom")
		err := s.InTx(ctx, func(q engine.Queries) error {
			if err := q.AgencyInsert(ctx, agency("H30", "Tạm", "T", engine.TierProvince, "")); err != nil {
				return err
			}
			return boom
		})
		if !errors.Is(err, boom) {
			t.Fatalf("InTx = %v, want boom", err)
		}
		if _, err := s.AgencyGetByCode(ctx, "H30"); !errors.Is(err, engine.ErrNotFound) {
			t.Fatalf("rolled-back agency is visible: %v", err)
		}
	})

	t.Run("CommitMakesChangesVisible", func(t *testing.T) {
		a := agency("H31", "Giữ", "G", engine.TierProvince, "")
		err := s.InTx(ctx, func(q engine.Queries) error {
			if err := q.AgencyInsert(ctx, a); err != nil {
				return err
			}
			got, err := q.AgencyGetByID(ctx, a.ID) // own writes are visible inside
			if err != nil || got.Code != "H31" {
				return fmt.Errorf("read own write: %+v, %w", got, err)
			}
			return nil
		})
		if err != nil {
			t.Fatal(err)
		}
		if _, err := s.AgencyGetByID(ctx, a.ID); err != nil {
			t.Fatal(err)
		}
	})

	t.Run("ConflictInsideTransactionIsTyped", func(t *testing.T) {
		err := s.InTx(ctx, func(q engine.Queries) error {
			return q.AgencyInsert(ctx, agency("H31", "Trùng", "T", engine.TierProvince, ""))
		})
		if !errors.Is(err, engine.ErrConflict) {
			t.Fatalf("got %v, want ErrConflict", err)
		}
	})

	t.Run("ConcurrentWritersAllCommit", func(t *testing.T) {
		const writers = 16
		var wg sync.WaitGroup
		errs := make(chan error, writers)
		for i := range writers {
			wg.Add(1)
			go func() {
				defer wg.Done()
				errs <- s.InTx(ctx, func(q engine.Queries) error {
					return q.AgencyInsert(ctx, agency(fmt.Sprintf("H40.%02d", i), "Đơn vị", "DV", engine.TierCommune, ""))
				})
			}()
		}
		wg.Wait()
		close(errs)
		for err := range errs {
			if err != nil {
				t.Fatal(err)
			}
		}
		n, _ := s.AgencyCount(ctx)
		if n != 1+writers {
			t.Fatalf("count = %d, want %d", n, 1+writers)
		}
	})

	t.Run("CancelledContextRollsBack", func(t *testing.T) {
		cctx, cancel := context.WithCancel(ctx)
		err := s.InTx(cctx, func(q engine.Queries) error {
			if err := q.AgencyInsert(cctx, agency("H50", "Huỷ", "H", engine.TierProvince, "")); err != nil {
				return err
			}
			cancel()
			return cctx.Err()
		})
		if err == nil {
			t.Fatal("InTx with a cancelled context succeeded")
		}
		if _, err := s.AgencyGetByCode(ctx, "H50"); !errors.Is(err, engine.ErrNotFound) {
			t.Fatalf("agency from a cancelled transaction is visible: %v", err)
		}
		// The store is still usable: the transaction did not stay open.
		if err := s.InTx(ctx, func(q engine.Queries) error {
			return q.AgencyInsert(ctx, agency("H51", "Sau", "S", engine.TierProvince, ""))
		}); err != nil {
			t.Fatalf("after a cancelled transaction: %v", err)
		}
	})
}

func agency(code, name, short string, tier engine.Tier, parent string) *engine.Agency {
	return &engine.Agency{ID: uuid.NewString(), Code: code, Name: name, ShortName: short, Tier: tier,
		ParentID: parent, CreatedAt: now()}
}

func now() time.Time { return time.Now().UTC().Truncate(time.Microsecond) }

func codesOf(as []engine.Agency) []string {
	out := make([]string, len(as))
	for i, a := range as {
		out[i] = a.Code
	}
	return out
}
