// Tests run from the compiled output (scripts/test.sh builds first): faster than on-the-fly transpiling.
module.exports = {
  spec: ['src/*/dist/test/**/*.test.js', 'test/dist/**/*.test.js'],
  require: ['src/LocalStack/dist/test/fixtures/global-database.js'],
  reporter: './scripts/mocha-summary-reporter.cjs',
  timeout: 30000,
  slow: 1000,
};
