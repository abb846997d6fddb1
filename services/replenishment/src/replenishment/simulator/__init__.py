"""The policy simulator: replay demand under the planning and under the coverage rule."""
