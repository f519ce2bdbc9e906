package engine

import (
	"context"
	"fmt"
	"regexp"
	"slices"
	"strings"
	"time"
)

// RetentionRule is one line of a retention schedule (bảng thời hạn bảo quản): a category
// of records and how long they are kept.
type RetentionRule struct {
	AgencyID  string // empty for the national defaults
	Category  string // e.g. "nhan-su"
	Name      string // e.g. "Hồ sơ nhân sự"
	Retention Retention
	UpdatedBy string
	UpdatedAt time.Time
}

var categoryPattern = regexp.MustCompile(`^[a-z0-9][a-z0-9-]{0,29}$`)

// DefaultRetentionSchedule is the schedule an agency starts with, from the value set of
// TT 10/2022/TT-BNV (Vĩnh viễn, 70, 50, 20, 10, 5 năm). An agency or its province
// overrides any line or adds its own categories (SetRetentionRule).
var DefaultRetentionSchedule = []RetentionRule{
	{Category: "tong-hop", Name: "Báo cáo, kế hoạch, chương trình năm và nhiều năm; quy hoạch, chiến lược", Retention: Retention{Permanent: true}},
	{Category: "van-ban-quy-pham", Name: "Văn bản quy định, quyết định cá biệt của cơ quan", Retention: Retention{Permanent: true}},
	{Category: "nhan-su", Name: "Hồ sơ nhân sự, tuyển dụng công chức, viên chức", Retention: Retention{Years: 70}},
	{Category: "xay-dung", Name: "Hồ sơ công trình xây dựng cơ bản", Retention: Retention{Years: 50}},
	{Category: "tai-chinh", Name: "Hồ sơ tài chính, kế toán, quyết toán", Retention: Retention{Years: 20}},
	{Category: "chuyen-mon", Name: "Hồ sơ giải quyết công việc chuyên môn, phối hợp", Retention: Retention{Years: 10}},
	{Category: "su-vu", Name: "Công văn trao đổi, giấy mời, thông báo sự vụ", Retention: Retention{Years: 5}},
}

// RetentionSchedule is the schedule in force for an agency: the national defaults,
// overridden by every agency above it (the province first) and then by its own lines.
func (e *Engine) RetentionSchedule(ctx context.Context, agencyID string) ([]RetentionRule, error) {
	m, err := e.schedule(ctx, e.store, agencyID)
	if err != nil {
		return nil, fmt.Errorf("retention schedule: %w", err)
	}
	out := make([]RetentionRule, 0, len(m))
	for _, r := range m {
		out = append(out, r)
	}
	slices.SortFunc(out, func(a, b RetentionRule) int { return strings.Compare(a.Category, b.Category) })
	return out, nil
}

func (e *Engine) schedule(ctx context.Context, q Queries, agencyID string) (map[string]RetentionRule, error) {
	var chain []string
	for id, depth := agencyID, 0; id != "" && depth < 32; depth++ {
		a, err := q.AgencyGetByID(ctx, id)
		if err != nil {
			return nil, err
		}
		chain = append(chain, a.ID)
		id = a.ParentID
	}
	out := map[string]RetentionRule{}
	for _, r := range DefaultRetentionSchedule {
		out[r.Category] = r
	}
	for i := len(chain) - 1; i >= 0; i-- {
		rules, err := q.RetentionRuleList(ctx, chain[i])
		if err != nil {
			return nil, err
		}
		for _, r := range rules {
			out[r.Category] = r
		}
	}
	return out, nil
}

// SetRetentionRule sets one line of an agency's schedule; it applies to the agency and to
// every agency below it that has no line of its own. The head of the agency, its archivist
// or an admin above it sets it.
func (e *Engine) SetRetentionRule(ctx context.Context, actor Actor, r RetentionRule) (RetentionRule, error) {
	var c fieldCheck
	if !categoryPattern.MatchString(r.Category) {
		c.fail("category", "nhóm hồ sơ %q must be lower-case letters, digits and '-', at most 30", r.Category)
	}
	if strings.TrimSpace(r.Name) == "" {
		c.fail("name", "tên nhóm hồ sơ is required")
	}
	c.maxLen("name", "tên nhóm hồ sơ", r.Name, 500)
	if !r.Retention.valid() {
		c.fail("retention", "thời hạn bảo quản is permanent or 1 to 100 years")
	}
	if err := c.err(); err != nil {
		return RetentionRule{}, fmt.Errorf("retention rule: %w", err)
	}
	err := e.store.InTx(ctx, func(q Queries) error {
		ch := &change{e: e, q: q, actor: actor, action: "retention_rule", now: e.timestamp()}
		switch {
		case actor == System:
		case actor.Role == RoleAdmin:
			if err := ch.adminOf(ctx, r.AgencyID); err != nil {
				return err
			}
		case actor.Role != RoleLeader && actor.Role != RoleArchivist:
			return refuse("retention_rule", ReasonWrongRole, "the head of the agency or its archivist sets the schedule")
		default:
			if err := ch.authorize(ctx, r.AgencyID); err != nil {
				return err
			}
		}
		r.UpdatedBy, r.UpdatedAt = actor.UserID, ch.now
		if actor == System {
			r.UpdatedBy = ""
		}
		if err := q.RetentionRuleUpsert(ctx, &r); err != nil {
			return err
		}
		ch.audit(r.AgencyID, "retention_rule", r.Category, nil, map[string]any{"name": r.Name, "retention": r.Retention.String()})
		return ch.finish(ctx, "", r.Category)
	})
	if err != nil {
		return RetentionRule{}, fmt.Errorf("retention rule: %w", err)
	}
	return r, nil
}
