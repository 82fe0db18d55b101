module example.com/usertest

go 1.24

require github.com/passwordsafe-go/passwordsafe v0.0.0

require (
	github.com/google/go-querystring v1.2.0 // indirect
	github.com/hashicorp/go-cleanhttp v0.5.2 // indirect
	github.com/hashicorp/go-retryablehttp v0.7.8 // indirect
)

replace github.com/passwordsafe-go/passwordsafe => ../..
