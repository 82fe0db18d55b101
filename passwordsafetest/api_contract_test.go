package passwordsafetest_test

import (
	"testing"

	"github.com/passwordsafe-go/passwordsafe/passwordsafetest"
)

// The test kit's signature in ../shared/API.md, checked by the compiler.
var _ func(testing.TB, ...passwordsafetest.ServerOption) *passwordsafetest.Server = passwordsafetest.NewServer
