// Tailwind CSS 4 through its PostCSS plugin, the way Next.js loads CSS tooling.
export default { plugins: { '@tailwindcss/postcss': {} } }
