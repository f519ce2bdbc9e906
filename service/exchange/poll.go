package exchange

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/vanthu/vanthu/engine"
	"github.com/vanthu/vanthu/service/axis"
)

// ReceiveAll takes in every package the axis holds for this instance's agencies, oldest
// first, each exactly like `vanthu receive`, and acknowledges it: done when handled
// (a duplicate too: a package handled before a crash kept it from being acknowledged is
// handled again as a duplicate, never as a second document), fail with the reason when
// it can never be handled. A package that failed for a temporary reason (the database
// or the blob store away) is left for the next round.
func (s *Service) ReceiveAll(ctx context.Context) error {
	pkgs, err := s.cfg.Axis.Received(ctx)
	if err != nil {
		return fmt.Errorf("axis receive: list: %w", err)
	}
	var failed []error
	for _, p := range pkgs {
		if ctx.Err() != nil {
			return ctx.Err()
		}
		if err := s.receiveOne(ctx, p); err != nil {
			s.log.Warn("axis: package left for the next round", "package", p.ID, "from", p.From, "error", err)
			failed = append(failed, err)
		}
	}
	if len(failed) > 0 {
		return fmt.Errorf("axis receive: %d of %d packages left for the next round: %w", len(failed), len(pkgs), errors.Join(failed...))
	}
	return nil
}

func (s *Service) receiveOne(ctx context.Context, p axis.Package) error {
	body, err := s.cfg.Axis.Fetch(ctx, p.ID)
	if errors.Is(err, axis.ErrNotFound) {
		return nil // acknowledged meanwhile by another round
	}
	if err != nil {
		return fmt.Errorf("fetch %s: %w", p.ID, err)
	}
	got, err := s.receiver.Receive(ctx, body)
	body.Close()
	if Refused(err) {
		s.log.Warn("axis: package refused", "package", p.ID, "from", p.From, "reason", err)
		// Recorded before the acknowledgement: once acknowledged, the axis no longer offers it.
		if err := s.cfg.Engine.RecordAxisRefusal(ctx, engine.AxisRefusal{PackageID: p.ID, ToCode: p.To, FromCode: p.From,
			Reason: err.Error()}); err != nil {
			return fmt.Errorf("refuse %s: %w", p.ID, err)
		}
		if err := s.cfg.Axis.Acknowledge(ctx, p.ID, axis.StateFail, err.Error()); err != nil {
			return fmt.Errorf("acknowledge %s: %w", p.ID, err)
		}
		return nil
	}
	if err != nil {
		return fmt.Errorf("receive %s: %w", p.ID, err)
	}
	kind, code := "document", ""
	if got.Status != nil {
		kind, code = "status", string(got.Status.Code)
	}
	s.log.Info("axis: package received", "package", p.ID, "from", p.From, "kind", kind, "status_code", code,
		"business", got.Result.Business, "result", got.Result.Result, "warnings", len(got.Result.Warnings))
	if err := s.cfg.Axis.Acknowledge(ctx, p.ID, axis.StateDone, ""); err != nil {
		return fmt.Errorf("acknowledge %s: %w", p.ID, err)
	}
	return nil
}

// SyncDirectory registers this instance's agencies with the axis, so that it routes
// their mail here, then copies the axis's directory into the database; entries the
// axis no longer lists are dropped.
func (s *Service) SyncDirectory(ctx context.Context) error {
	q := s.cfg.Store
	own, err := q.AgencyList(ctx)
	if err != nil {
		return fmt.Errorf("axis directory: %w", err)
	}
	byID := map[string]engine.Agency{}
	for _, a := range own {
		byID[a.ID] = a
	}
	for _, a := range own {
		if a.ValidTo != nil {
			continue
		}
		entry := axis.Agency{Code: engine.AxisCode(a), Name: a.Name}
		if p, ok := byID[a.ParentID]; ok {
			entry.ParentCode = engine.AxisCode(p)
		}
		if err := s.cfg.Axis.RegisterAgency(ctx, entry); err != nil {
			if errors.Is(err, axis.ErrUnavailable) {
				return fmt.Errorf("axis directory: register %s: %w", entry.Code, err)
			}
			s.log.Warn("axis: agency not registered", "code", entry.Code, "error", err)
		}
	}
	list, err := s.cfg.Axis.Agencies(ctx)
	if err != nil {
		return fmt.Errorf("axis directory: list: %w", err)
	}
	if len(list) == 0 {
		// An axis that lists nothing is not believed: the directory kept is better than none.
		return errors.New("axis directory: the axis listed no agency; the directory is left as it was")
	}
	now := time.Now().UTC().Truncate(time.Microsecond)
	err = q.InTx(ctx, func(q engine.Queries) error {
		for _, a := range list {
			e := engine.AxisAgency{Code: a.Code, Name: a.Name, ParentCode: a.ParentCode, Email: a.Email, Phone: a.Phone,
				Address: a.Address, SystemID: a.SystemID, SyncedAt: now}
			if err := q.AxisAgencyUpsert(ctx, &e); err != nil {
				return err
			}
		}
		_, err := q.AxisAgencyDeleteSyncedBefore(ctx, now)
		return err
	})
	if err != nil {
		return fmt.Errorf("axis directory: store: %w", err)
	}
	s.log.Info("axis: directory synchronised", "agencies", len(list))
	return nil
}
