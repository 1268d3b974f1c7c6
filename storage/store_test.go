package storage_test

import (
	"testing"

	"github.com/jejak/jejak/storage"
	"github.com/jejak/jejak/storage/storetest"
)

func TestBadgerOnDisk(t *testing.T) {
	storetest.Run(t, func(t *testing.T) storage.Store {
		s, err := storage.Open(t.TempDir(), storage.Options{})
		if err != nil {
			t.Fatal(err)
		}
		return s
	})
}

func TestBadgerInMemory(t *testing.T) {
	storetest.Run(t, func(t *testing.T) storage.Store {
		s, err := storage.OpenMemory(storage.Options{})
		if err != nil {
			t.Fatal(err)
		}
		return s
	})
}
