package sqlstore

import (
	"context"
	"time"

	"github.com/vanthu/vanthu/engine"
)

var (
	qAssignmentGetByID              = sqlFor("AssignmentGetByID")
	qAssignmentListOpenWithDeadline = sqlFor("AssignmentListOpenWithDeadline")
	qAssignmentListByAgency         = sqlFor("AssignmentListByAgency")
	qAssignmentNoteInsert           = sqlFor("AssignmentNoteInsert")
	qAssignmentNoteGetByID          = sqlFor("AssignmentNoteGetByID")
	qAssignmentNoteListByAssignment = sqlFor("AssignmentNoteListByAssignment")
	qAssignmentListByHolder         = sqlFor("AssignmentListByHolder")
	qAssignmentPageOpenNamed        = sqlFor("AssignmentPageOpenNamed")
	qAssignmentPageOpenOfUnit       = sqlFor("AssignmentPageOpenOfUnit")
	qAssignmentListDoneNamed        = sqlFor("AssignmentListDoneNamed")
	qAssignmentListDoneOfUnit       = sqlFor("AssignmentListDoneOfUnit")
	qAssignmentNoteListByAssigns    = sqlFor("AssignmentNoteListByAssignments")
	qDistributionListInsert         = sqlFor("DistributionListInsert")
	qDistributionMemberInsert       = sqlFor("DistributionMemberInsert")
	qDistributionListGet            = sqlFor("DistributionListGet")
	qDistributionMemberList         = sqlFor("DistributionMemberList")
	qNotificationInsert             = sqlFor("NotificationInsert")
	qNotificationListByUser         = sqlFor("NotificationListByUser")
	qCopyInsert                     = sqlFor("CopyInsert")
)

func (q queries) AssignmentGetByID(ctx context.Context, id string) (engine.Assignment, error) {
	var a engine.Assignment
	err := q.get(ctx, "assignment get", qAssignmentGetByID, func(r Row) (err error) { a, err = scanAssignment(r); return }, id)
	return a, err
}

func (q queries) AssignmentListOpenWithDeadline(ctx context.Context, limit int) ([]engine.Assignment, error) {
	return list(ctx, q, "assignment list open", qAssignmentListOpenWithDeadline, scanAssignment, limit)
}

func (q queries) AssignmentListByAgency(ctx context.Context, agencyID string) ([]engine.Assignment, error) {
	return list(ctx, q, "assignment list by agency", qAssignmentListByAgency, scanAssignment, agencyID)
}

func (q queries) AssignmentListByHolder(ctx context.Context, agencyID, userID string, role engine.Role) ([]engine.Assignment, error) {
	return list(ctx, q, "assignment list by holder", qAssignmentListByHolder, scanAssignment, agencyID, userID, string(role))
}

func (q queries) AssignmentPageOpenByHolder(ctx context.Context, f engine.AssignmentHolderPage) ([]engine.Assignment, error) {
	limit := f.Limit
	if limit <= 0 {
		limit = 50
	}
	// The first page starts before every deadline and id.
	withoutDeadline, deadline, id := 0, time.Time{}, nilUUID
	if a := f.After; a != nil {
		id = a.ID
		if a.Deadline == nil {
			withoutDeadline = 1
		} else {
			deadline = *a.Deadline
		}
	}
	query, args := qAssignmentPageOpenNamed, []any{f.AgencyID, f.UserID, withoutDeadline, deadline.UTC(), id, limit}
	if f.UnitID != "" {
		query, args = qAssignmentPageOpenOfUnit, append(args, f.UnitID)
	}
	return list(ctx, q, "assignment page open by holder", query, scanAssignment, args...)
}

func (q queries) AssignmentListDoneByHolder(ctx context.Context, f engine.AssignmentHolderPage) ([]engine.Assignment, error) {
	query, args := qAssignmentListDoneNamed, []any{f.AgencyID, f.UserID, max(f.Limit, 1)}
	if f.UnitID != "" {
		query, args = qAssignmentListDoneOfUnit, append(args, f.UnitID)
	}
	return list(ctx, q, "assignment list done by holder", query, scanAssignment, args...)
}

func (q queries) AssignmentNoteInsert(ctx context.Context, n *engine.AssignmentNote) error {
	_, err := q.exec(ctx, "assignment note insert", qAssignmentNoteInsert, n.ID, n.AssignmentID, n.AuthorID, n.Kind, n.Body,
		utcPtr(n.NewDeadline), n.CreatedAt.UTC())
	return err
}

func (q queries) AssignmentNoteGetByID(ctx context.Context, id string) (engine.AssignmentNote, error) {
	var n engine.AssignmentNote
	err := q.get(ctx, "assignment note get", qAssignmentNoteGetByID, func(r Row) (err error) { n, err = scanNote(r); return }, id)
	return n, err
}

func (q queries) AssignmentNoteListByAssignment(ctx context.Context, assignmentID string) ([]engine.AssignmentNote, error) {
	return list(ctx, q, "assignment note list", qAssignmentNoteListByAssignment, scanNote, assignmentID)
}

func (q queries) AssignmentNoteListByAssignments(ctx context.Context, assignmentIDs []string) ([]engine.AssignmentNote, error) {
	return listByIDs(ctx, q, "assignment note list by assignments", qAssignmentNoteListByAssigns, scanNote, assignmentIDs)
}

func scanNote(r Row) (engine.AssignmentNote, error) {
	var n engine.AssignmentNote
	err := r.Scan(&n.ID, &n.AssignmentID, &n.AuthorID, &n.Kind, &n.Body, &n.NewDeadline, &n.CreatedAt)
	n.NewDeadline, n.CreatedAt = utcPtr(n.NewDeadline), utc(n.CreatedAt)
	return n, err
}

func (q queries) DistributionListInsert(ctx context.Context, l *engine.DistributionList) error {
	if _, err := q.exec(ctx, "distribution list insert", qDistributionListInsert, l.ID, l.AgencyID, l.Name, l.CreatedAt.UTC()); err != nil {
		return err
	}
	for _, m := range l.Members {
		if _, err := q.exec(ctx, "distribution member insert", qDistributionMemberInsert, l.ID, m); err != nil {
			return err
		}
	}
	return nil
}

func (q queries) DistributionListGet(ctx context.Context, id string) (engine.DistributionList, error) {
	var l engine.DistributionList
	err := q.get(ctx, "distribution list get", qDistributionListGet, func(r Row) error {
		return r.Scan(&l.ID, &l.AgencyID, &l.Name, &l.CreatedAt)
	}, id)
	if err != nil {
		return l, err
	}
	l.CreatedAt = utc(l.CreatedAt)
	l.Members, err = list(ctx, q, "distribution members", qDistributionMemberList, func(r Row) (string, error) {
		var s string
		return s, r.Scan(&s)
	}, id)
	return l, err
}

func (q queries) NotificationInsert(ctx context.Context, n *engine.Notification) (bool, error) {
	k, err := q.exec(ctx, "notification insert", qNotificationInsert, n.ID, n.UserID, n.Kind, nullable(n.DocumentID),
		nullable(n.AssignmentID), n.Body, n.CreatedAt.UTC())
	if k > 0 && err == nil {
		q.recordNotification(n)
	}
	return k > 0, err
}

func (q queries) NotificationListByUser(ctx context.Context, userID string, limit int) ([]engine.Notification, error) {
	return list(ctx, q, "notification list", qNotificationListByUser, func(r Row) (engine.Notification, error) {
		var n engine.Notification
		var doc, asg *string
		err := r.Scan(&n.ID, &n.UserID, &n.Kind, &doc, &asg, &n.Body, &n.CreatedAt, &n.ReadAt)
		n.DocumentID, n.AssignmentID, n.CreatedAt, n.ReadAt = deref(doc), deref(asg), utc(n.CreatedAt), utcPtr(n.ReadAt)
		return n, err
	}, userID, limit)
}

func (q queries) CopyInsert(ctx context.Context, c *engine.Copy) error {
	_, err := q.exec(ctx, "copy insert", qCopyInsert, c.ID, c.AgencyID, c.SourceID, c.Form, c.Year, c.Number, c.Notation,
		c.CreatedBy, c.CreatedAt.UTC())
	return err
}
