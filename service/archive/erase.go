package archive

import (
	"context"
	"errors"
	"fmt"
	"slices"

	"github.com/vanthu/vanthu/engine"
	"github.com/vanthu/vanthu/storage/blob"
)

// Eraser is the engine's BlobEraser (destruction after an appraisal decision) over the
// blob store, its replicas and the archive's manifests.
type Eraser struct {
	Blobs    blob.Store
	Replicas []blob.Store
}

// PackageObjects lists the objects of every version of the package (a renewal writes a
// new version beside the old ones), each version's manifest after its objects.
func (e Eraser) PackageObjects(ctx context.Context, manifestKey string) ([]string, error) {
	ver, err := LoadVersion(ctx, e.Blobs, manifestKey)
	if err != nil {
		return nil, err
	}
	var keys []string
	for _, m := range append(slices.Clone(ver.Versions), manifestKey) {
		pkg, err := Load(ctx, e.Blobs, m)
		if errors.Is(err, blob.ErrNotFound) {
			continue // an earlier run deleted it
		}
		if err != nil {
			return nil, err
		}
		for _, o := range pkg.Objects {
			keys = append(keys, o.Key)
		}
		keys = append(keys, m)
	}
	return keys, nil
}

// Delete removes the object from the store and every replica; a lock anywhere keeps it
// reported as retained.
func (e Eraser) Delete(ctx context.Context, key string) error {
	found := false
	for _, s := range append([]blob.Store{e.Blobs}, e.Replicas...) {
		err := s.Delete(ctx, key)
		switch {
		case err == nil:
			found = true
		case errors.Is(err, blob.ErrNotFound):
		case errors.Is(err, blob.ErrLocked):
			return fmt.Errorf("%w: %w", engine.ErrRetained, err)
		default:
			return err
		}
	}
	if !found {
		return fmt.Errorf("%s: %w", key, engine.ErrNotFound)
	}
	return nil
}
