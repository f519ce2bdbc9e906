// Package seed fills an empty database with a demo province: Hòa Bình as it was in 2024
// (three tiers), with real place names, identifier codes in the QĐ 20/2020 shape
// (invented, not the official ones), and demo users for every role.
package seed

import (
	"context"
	"fmt"
	"time"

	"github.com/vanthu/vanthu/engine"
	"github.com/vanthu/vanthu/engine/password"
)

// ProvinceCode is the demo province's identifier code.
const ProvinceCode = "H23"

// Login is one demo account, for printing at start.
type Login struct {
	Username string
	FullName string
	Role     engine.Role
	Title    string
	Agency   string // agency name
}

// Result says what the seed created.
type Result struct {
	Agencies int
	Units    int
	Logins   []Login
}

type agencySpec struct {
	code, code102, name, short, slug string
	tier                             engine.Tier
	units                            []unitSpec
	children                         []agencySpec
}

type unitSpec struct{ name, short string }

var (
	provinceUnits   = []unitSpec{{"Văn phòng UBND tỉnh", "VP"}, {"Khối Kinh tế", "KT"}, {"Khối Văn hóa – Xã hội", "VX"}, {"Khối Nội chính", "NC"}}
	districtUnits   = []unitSpec{{"Văn phòng HĐND và UBND", "VP"}, {"Phòng Nội vụ", "NV"}, {"Phòng Tài chính – Kế hoạch", "TCKH"}, {"Phòng Văn hóa và Thông tin", "VHTT"}}
	departmentUnits = []unitSpec{{"Văn phòng Sở", "VP"}, {"Phòng Nghiệp vụ", "NVu"}}
	communeUnits    = []unitSpec{{"Văn phòng – Thống kê", "VP"}}
)

func district(code, name, slug string, communes ...agencySpec) agencySpec {
	return agencySpec{code: code, name: name, short: "UBND", slug: slug, tier: engine.TierDistrict, units: districtUnits, children: communes}
}

func commune(code, name, slug string) agencySpec {
	return agencySpec{code: code, name: name, short: "UBND", slug: slug, tier: engine.TierCommune, units: communeUnits}
}

func department(code, name, short, slug string) agencySpec {
	return agencySpec{code: code, name: name, short: short, slug: slug, tier: engine.TierProvince, units: departmentUnits}
}

// Province is the demo tree.
var Province = agencySpec{
	code: ProvinceCode, code102: "000.00.00.H23", name: "Ủy ban nhân dân tỉnh Hòa Bình", short: "UBND", slug: "tinh",
	tier: engine.TierProvince, units: provinceUnits,
	children: []agencySpec{
		department("H23.01", "Sở Nội vụ tỉnh Hòa Bình", "SNV", "snv"),
		department("H23.02", "Sở Tài chính tỉnh Hòa Bình", "STC", "stc"),
		department("H23.03", "Sở Kế hoạch và Đầu tư tỉnh Hòa Bình", "SKHĐT", "skhdt"),
		department("H23.04", "Sở Thông tin và Truyền thông tỉnh Hòa Bình", "STTTT", "stttt"),
		district("H23.10", "Ủy ban nhân dân thành phố Hòa Bình", "tphoabinh",
			commune("H23.10.01", "Ủy ban nhân dân phường Phương Lâm", "phuonglam"),
			commune("H23.10.02", "Ủy ban nhân dân phường Thịnh Lang", "thinhlang"),
			commune("H23.10.03", "Ủy ban nhân dân phường Tân Thịnh", "tanthinh")),
		district("H23.11", "Ủy ban nhân dân huyện Mai Châu", "maichau",
			commune("H23.11.01", "Ủy ban nhân dân thị trấn Mai Châu", "ttmaichau"),
			commune("H23.11.02", "Ủy ban nhân dân xã Đồng Bảng", "dongbang"),
			commune("H23.11.03", "Ủy ban nhân dân xã Tòng Đậu", "tongdau")),
		district("H23.12", "Ủy ban nhân dân huyện Lương Sơn", "luongson",
			commune("H23.12.01", "Ủy ban nhân dân thị trấn Lương Sơn", "ttluongson"),
			commune("H23.12.02", "Ủy ban nhân dân xã Hòa Sơn", "hoason"),
			commune("H23.12.03", "Ủy ban nhân dân xã Nhuận Trạch", "nhuantrach")),
		district("H23.13", "Ủy ban nhân dân huyện Cao Phong", "caophong",
			commune("H23.13.01", "Ủy ban nhân dân thị trấn Cao Phong", "ttcaophong"),
			commune("H23.13.02", "Ủy ban nhân dân xã Thu Phong", "thuphong")),
	},
}

// roleSpec is one demo account per agency.
type roleSpec struct {
	role   engine.Role
	prefix string // username = prefix + "." + agency slug
	title  func(tier engine.Tier) string
	unit   int // index into the agency's units, -1 for agency-wide
}

var roleSpecs = []roleSpec{
	{engine.RoleLeader, "lanhdao", leaderTitle, -1},
	{engine.RoleDeputyLeader, "pholanhdao", deputyTitle, -1},
	{engine.RoleClerk, "vanthu", fixed("Văn thư"), 0},
	{engine.RoleUnitHead, "truongphong", fixed("Trưởng phòng"), -2}, // -2: the last unit
	{engine.RoleSpecialist, "chuyenvien", fixed("Chuyên viên"), -2},
	{engine.RoleArchivist, "luutru", fixed("Lưu trữ viên"), 0},
	{engine.RoleAdmin, "quantri", fixed("Quản trị hệ thống"), -1},
}

func fixed(s string) func(engine.Tier) string { return func(engine.Tier) string { return s } }

func leaderTitle(t engine.Tier) string { return "Chủ tịch" }
func deputyTitle(t engine.Tier) string { return "Phó Chủ tịch" }

// Demo seeds the province into an empty database in one transaction, so that a crash
// leaves either nothing or everything. All demo users share plainPassword.
func Demo(ctx context.Context, store engine.Store, plainPassword string) (*Result, error) {
	return seedTree(ctx, store, plainPassword, Province)
}

func seedTree(ctx context.Context, store engine.Store, plainPassword string, root agencySpec) (*Result, error) {
	hash, err := password.Hash(plainPassword, password.Default)
	if err != nil {
		return nil, err
	}
	res := &Result{}
	now := time.Now().UTC().Truncate(time.Microsecond)
	names := newNameSource()
	err = store.InTx(ctx, func(q engine.Queries) error {
		n, err := q.AgencyCount(ctx)
		if err != nil {
			return err
		}
		if n > 0 {
			return fmt.Errorf("seed: database already has %d agencies", n)
		}
		return seedAgency(ctx, q, root, "", hash, now, names, res)
	})
	if err != nil {
		return nil, fmt.Errorf("seed demo province: %w", err)
	}
	return res, nil
}

func seedAgency(ctx context.Context, q engine.Queries, spec agencySpec, parentID, hash string, now time.Time, names *nameSource, res *Result) error {
	a := engine.Agency{ID: engine.NewID(), Code: spec.code, Code102: spec.code102, Name: spec.name, ShortName: spec.short,
		Tier: spec.tier, ParentID: parentID, CreatedAt: now}
	if err := a.Validate(); err != nil {
		return fmt.Errorf("%s: %w", spec.code, err)
	}
	if err := q.AgencyInsert(ctx, &a); err != nil {
		return err
	}
	res.Agencies++
	units := make([]engine.Unit, len(spec.units))
	for i, us := range spec.units {
		units[i] = engine.Unit{ID: engine.NewID(), AgencyID: a.ID, Name: us.name, ShortName: us.short, CreatedAt: now}
		if err := units[i].Validate(); err != nil {
			return fmt.Errorf("%s/%s: %w", spec.code, us.short, err)
		}
		if err := q.UnitInsert(ctx, &units[i]); err != nil {
			return err
		}
		res.Units++
	}
	for _, rs := range roleSpecs {
		u := engine.User{ID: engine.NewID(), Username: rs.prefix + "." + spec.slug, FullName: names.next(),
			PasswordHash: hash, CreatedAt: now}
		u.Email = u.Username + "@hoabinh.gov.vn"
		if err := u.Validate(); err != nil {
			return err
		}
		if err := q.UserInsert(ctx, &u); err != nil {
			return err
		}
		m := engine.Membership{UserID: u.ID, AgencyID: a.ID, Role: rs.role, Title: rs.title(spec.tier)}
		switch {
		case rs.unit == -2:
			m.UnitID = units[len(units)-1].ID
		case rs.unit >= 0:
			m.UnitID = units[rs.unit].ID
		}
		if spec.tier == engine.TierProvince && spec.slug != "tinh" && (rs.role == engine.RoleLeader || rs.role == engine.RoleDeputyLeader) {
			m.Title = map[engine.Role]string{engine.RoleLeader: "Giám đốc", engine.RoleDeputyLeader: "Phó Giám đốc"}[rs.role]
		}
		if err := m.Validate(); err != nil {
			return err
		}
		if err := q.MembershipInsert(ctx, &m); err != nil {
			return err
		}
		res.Logins = append(res.Logins, Login{Username: u.Username, FullName: u.FullName, Role: rs.role, Title: m.Title, Agency: a.Name})
	}
	for _, child := range spec.children {
		if err := seedAgency(ctx, q, child, a.ID, hash, now, names, res); err != nil {
			return err
		}
	}
	return nil
}
