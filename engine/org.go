package engine

import (
	"fmt"
	"regexp"
	"strings"
	"time"
)

// Tier is the level of local government an agency belongs to (cấp tỉnh / huyện / xã).
// It is data: a two-tier province simply has no district agencies.
type Tier string

const (
	TierProvince Tier = "province" // cấp tỉnh
	TierDistrict Tier = "district" // cấp huyện
	TierCommune  Tier = "commune"  // cấp xã
)

func (t Tier) valid() bool {
	switch t {
	case TierProvince, TierDistrict, TierCommune:
		return true
	}
	return false
}

// Agency is a state body with its own seal, registers and identifier code (cơ quan, tổ chức).
type Agency struct {
	ID string
	// Code is the electronic identifier (mã định danh) under QĐ 20/2020/QĐ-TTg, e.g. "H23.01".
	Code string
	// Code102 is the legacy QCVN 102:2016 code still carried by the national exchange axis, e.g. "000.00.00.H23".
	Code102   string
	Name      string
	ShortName string // the abbreviation used in document notations, e.g. "UBND"
	Tier      Tier
	ParentID  string // empty for the root of a tree
	// ValidTo and SuccessorID record the end of an agency (merger, split, the 2025 reform);
	// its records and history stay readable under the successor.
	ValidTo     *time.Time
	SuccessorID string
	// NumberingPerType: one outgoing series per document type instead of one for all
	// administrative documents (Decree 30 leaves the choice to the head of the agency).
	NumberingPerType bool
	CreatedAt        time.Time
}

var (
	// QĐ 20/2020: groups of A–Z/0–9 separated by dots, at most 35 characters.
	agencyCodePattern = regexp.MustCompile(`^[A-Z0-9]+(\.[A-Z0-9]+)*$`)
	// QCVN 102:2016: xxx.yy.zz.Lnn, fixed 13 characters.
	agencyCode102Pattern = regexp.MustCompile(`^[0-9]{3}\.[0-9]{2}\.[0-9]{2}\.[A-Z][0-9]{2}$`)
	// Abbreviations in notations: letters (Vietnamese Đ included), digits, no spaces.
	shortNamePattern = regexp.MustCompile(`^[\p{Lu}\p{Ll}0-9]+$`)
)

// Validate reports the first problem with the agency's fields.
func (a *Agency) Validate() error {
	switch {
	case len(a.Code) == 0 || len(a.Code) > 35 || !agencyCodePattern.MatchString(a.Code):
		return invalid("code", "mã định danh %q must be dot-separated groups of A-Z and 0-9, at most 35 characters", a.Code)
	case a.Code102 != "" && !agencyCode102Pattern.MatchString(a.Code102):
		return invalid("code102", "QCVN 102 code %q must look like 000.00.00.H23", a.Code102)
	case strings.TrimSpace(a.Name) == "":
		return invalid("name", "agency name is required")
	case !shortNamePattern.MatchString(a.ShortName):
		return invalid("short_name", "short name %q must be letters and digits without spaces", a.ShortName)
	case !a.Tier.valid():
		return invalid("tier", "tier %q must be province, district or commune", a.Tier)
	case a.ParentID != "" && a.ParentID == a.ID:
		return invalid("parent_id", "an agency cannot be its own parent")
	}
	return nil
}

// Unit is a department inside an agency (đơn vị, phòng ban).
type Unit struct {
	ID        string
	AgencyID  string
	Name      string
	ShortName string // e.g. "VX" in "12/UBND-VX"
	CreatedAt time.Time
}

// Validate reports the first problem with the unit's fields.
func (u *Unit) Validate() error {
	switch {
	case u.AgencyID == "":
		return invalid("agency_id", "a unit belongs to an agency")
	case strings.TrimSpace(u.Name) == "":
		return invalid("name", "unit name is required")
	case !shortNamePattern.MatchString(u.ShortName):
		return invalid("short_name", "short name %q must be letters and digits without spaces", u.ShortName)
	}
	return nil
}

// User is a person who logs in. What they may do comes from their memberships.
type User struct {
	ID           string
	Username     string
	FullName     string
	Email        string
	PasswordHash string // argon2id, never logged
	Disabled     bool
	CreatedAt    time.Time
	// MustChangePassword: the password is temporary (an admin's reset, an import); the
	// user chooses their own before doing anything else.
	MustChangePassword bool
}

var usernamePattern = regexp.MustCompile(`^[a-z0-9][a-z0-9._-]{1,63}$`)

// Validate reports the first problem with the user's fields.
func (u *User) Validate() error {
	switch {
	case !usernamePattern.MatchString(u.Username):
		return invalid("username", "username %q must be 2-64 lower-case letters, digits, '.', '_' or '-'", u.Username)
	case strings.TrimSpace(u.FullName) == "":
		return invalid("full_name", "full name is required")
	}
	return nil
}

// String keeps the password hash out of logs and error messages.
func (u User) String() string { return fmt.Sprintf("User(%s %q)", u.Username, u.FullName) }

// Role is what a user does in one agency.
type Role string

const (
	RoleClerk        Role = "clerk"         // văn thư
	RoleLeader       Role = "leader"        // người đứng đầu: chủ tịch, giám đốc
	RoleDeputyLeader Role = "deputy_leader" // cấp phó: phó chủ tịch, phó giám đốc
	RoleUnitHead     Role = "unit_head"     // trưởng phòng
	RoleSpecialist   Role = "specialist"    // chuyên viên
	RoleArchivist    Role = "archivist"     // lưu trữ viên
	RoleAdmin        Role = "admin"         // quản trị hệ thống
)

// Roles lists every role in the order the UI shows them.
var Roles = []Role{RoleLeader, RoleDeputyLeader, RoleClerk, RoleUnitHead, RoleSpecialist, RoleArchivist, RoleAdmin}

func (r Role) valid() bool {
	for _, known := range Roles {
		if r == known {
			return true
		}
	}
	return false
}

// Membership grants a user a role in an agency, optionally within one unit. A user may
// hold several, in several agencies.
type Membership struct {
	UserID   string
	AgencyID string
	UnitID   string // empty for agency-wide roles
	Role     Role
	Title    string // chức vụ as printed under a signature, e.g. "Phó Chủ tịch"
}

// Validate reports the first problem with the membership's fields.
func (m *Membership) Validate() error {
	switch {
	case m.UserID == "":
		return invalid("user_id", "user is required")
	case m.AgencyID == "":
		return invalid("agency_id", "agency is required")
	case !m.Role.valid():
		return invalid("role", "unknown role %q", m.Role)
	case m.Role == RoleUnitHead && m.UnitID == "":
		return invalid("unit_id", "a unit head needs a unit")
	}
	return nil
}
