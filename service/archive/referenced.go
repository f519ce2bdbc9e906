package archive

import (
	"context"
	"errors"
	"fmt"

	"github.com/vanthu/vanthu/engine"
	"github.com/vanthu/vanthu/storage/blob"
)

// KeyPrefix is where the archival packages are kept in the blob store.
const KeyPrefix = "archive/"

// PackagedKeys is every key the records' archival packages name: each version's manifest
// and objects, which only the manifests know. A package that cannot be read is an error,
// as what it names is unknown then; a destroyed record's deleted manifest is not.
func PackagedKeys(ctx context.Context, store engine.Store, blobs blob.Store) (map[string]bool, error) {
	agencies, err := store.AgencyList(ctx)
	if err != nil {
		return nil, fmt.Errorf("archive: agencies: %w", err)
	}
	keys := map[string]bool{}
	for _, a := range agencies {
		records, err := store.RecordListByAgency(ctx, a.ID, 0)
		if err != nil {
			return nil, fmt.Errorf("archive: records of %s: %w", a.Code, err)
		}
		for _, r := range records {
			if r.PackageKey == "" {
				continue
			}
			objects, err := Eraser{Blobs: blobs}.PackageObjects(ctx, r.PackageKey)
			if errors.Is(err, blob.ErrNotFound) && r.DestroyedAt != nil {
				continue
			}
			if err != nil {
				return nil, fmt.Errorf("archive: package of %s.%d.%s: %w", a.Code, r.Year, r.Code, err)
			}
			for _, k := range objects {
				keys[k] = true
			}
		}
	}
	return keys, nil
}
