package sqlstore

import (
	"context"
	"fmt"

	"github.com/vanthu/vanthu/engine"
)

var (
	qReportDocumentByType      = sqlFor("ReportDocumentByType")
	qReportDocumentBySender    = sqlFor("ReportDocumentBySender")
	qReportDocumentByRecipient = sqlFor("ReportDocumentByRecipient")
	qReportAssignmentMade      = sqlFor("ReportAssignmentMade")
	qReportAssignmentOverdue   = sqlFor("ReportAssignmentOverdue")
	qReportRecordList          = sqlFor("ReportRecordList")
)

func (q queries) ReportDocumentCount(ctx context.Context, f engine.ReportFilter, yield func(engine.DocumentCount) error) error {
	query := qReportDocumentByType
	switch f.Group {
	case engine.GroupBySender:
		query = qReportDocumentBySender
	case engine.GroupByRecipient:
		query = qReportDocumentByRecipient
	}
	return each(ctx, q, "report document count", query, func(r Row) error {
		var c engine.DocumentCount
		var flow string
		if err := r.Scan(&flow, &c.Key, &c.Count); err != nil {
			return err
		}
		c.Flow = engine.Flow(flow)
		return yield(c)
	}, f.AgencyID, f.From.UTC(), f.To.UTC())
}

func (q queries) ReportAssignmentEach(ctx context.Context, f engine.ReportFilter, yield func(engine.ReportAssignment) error) error {
	query, args := qReportAssignmentMade, []any{f.AgencyID, f.From.UTC(), f.To.UTC()}
	if !f.Before.IsZero() {
		query, args = qReportAssignmentOverdue, []any{f.AgencyID, f.Before.UTC()}
	}
	return each(ctx, q, "report assignments", query, func(r Row) error {
		var a engine.ReportAssignment
		var unit, user *string
		var role, class string
		if err := r.Scan(&a.ID, &a.DocumentID, &unit, &user, &role, &a.Deadline, &a.Status, &a.CreatedAt, &a.DoneAt,
			&a.UnitName, &a.UserName, &a.Notation, &a.IncomingNumber, &a.Subject, &class); err != nil {
			return err
		}
		a.UnitID, a.UserID, a.Role, a.Classification = deref(unit), deref(user), engine.AssignmentRole(role), engine.Classification(class)
		a.Deadline, a.DoneAt, a.CreatedAt = utcPtr(a.Deadline), utcPtr(a.DoneAt), utc(a.CreatedAt)
		return yield(a)
	}, args...)
}

func (q queries) ReportRecordEach(ctx context.Context, agencyID string, year int, yield func(engine.RecordLine) error) error {
	return each(ctx, q, "report records", qReportRecordList, func(r Row) error {
		var l engine.RecordLine
		var state string
		if err := r.Scan(&l.Code, &l.Title, &l.Year, &l.Retention.Permanent, &l.Retention.Years, &l.OwnerName, &state,
			&l.Documents); err != nil {
			return err
		}
		l.State = engine.RecordState(state)
		return yield(l)
	}, agencyID, year)
}

// each runs a query and hands each row to fn as it is read, for results too large to
// collect; an error of fn stops the reading and is returned as it is.
func each(ctx context.Context, q queries, op, query string, fn func(Row) error, args ...any) error {
	rows, err := q.conn.Query(ctx, query, args...)
	if err != nil {
		return fmt.Errorf("%s: %w", op, q.translate(err))
	}
	defer rows.Close()
	for rows.Next() {
		if err := fn(rows); err != nil {
			return fmt.Errorf("%s: %w", op, err)
		}
	}
	if err := rows.Err(); err != nil {
		return fmt.Errorf("%s: %w", op, q.translate(err))
	}
	return nil
}
