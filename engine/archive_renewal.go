package engine

import (
	"context"
	"fmt"
)

// ActionRenewPackage is the audit action of a renewed archival package (PAdES B-LTA
// renewal: new revocation data and a new document timestamp in a new package version).
const ActionRenewPackage Action = "renew_package"

// PackageRenewal describes a new version of a record's archival package for the audit
// trail: which manifest it replaces and what changed.
type PackageRenewal struct {
	Previous string   `json:"previous"` // manifest of the version renewed
	Manifest string   `json:"manifest"` // manifest of the new version
	Version  int      `json:"version"`
	Versions []string `json:"versions"` // manifests of every earlier version, oldest first
	Renewed  []string `json:"renewed"`  // object keys (of the previous version) whose PDFs were renewed
}

// RecordPackageRenewed points a record at a new version of its archival package. The
// earlier versions stay in the blob store, locked and untouched; the new manifest lists
// them. It refuses (ErrConflict) when the record no longer points at the version that was
// renewed, so two renewals of the same version cannot both win.
func (e *Engine) RecordPackageRenewed(ctx context.Context, actor Actor, recordID string, r PackageRenewal) (Record, error) {
	var out Record
	err := e.store.InTx(ctx, func(q Queries) error {
		c := &change{e: e, q: q, actor: actor, action: ActionRenewPackage, now: e.timestamp()}
		rec, err := q.RecordGetByID(ctx, recordID)
		if err != nil {
			return err
		}
		if err := c.authorize(ctx, rec.AgencyID); err != nil {
			return err
		}
		if actor != System && actor.Role != RoleArchivist {
			return refuse(ActionRenewPackage, ReasonWrongRole, "the archivist renews archival packages")
		}
		if rec.PackageKey == "" || rec.PackageKey != r.Previous {
			return fmt.Errorf("record %s points at package %q, not %q: %w", rec.Code, rec.PackageKey, r.Previous, ErrConflict)
		}
		if r.Manifest == "" || r.Manifest == r.Previous {
			return invalid("manifest", "a renewal needs a new manifest")
		}
		prev := rec.Version
		rec.PackageKey = r.Manifest
		rec.Version++
		if err := q.RecordUpdate(ctx, &rec, prev); err != nil {
			return err
		}
		c.audit(rec.AgencyID, "record", rec.ID, map[string]any{"code": rec.Code, "package": r.Previous}, r)
		out = rec
		return c.finish(ctx, "", rec.ID)
	})
	if err != nil {
		return Record{}, fmt.Errorf("renew_package record: %w", err)
	}
	return out, nil
}
