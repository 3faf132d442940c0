<?php
/**
 * The embed: one deferred widget tag on the chosen single views, and the caption's place.
 *
 * @package Corrigo
 */

defined( 'ABSPATH' ) || exit;

/** Script handle of the widget. */
const CORRIGO_HANDLE = 'corrigo-widget';

/**
 * Whether this request shows a page that gets the widget.
 *
 * Never in the admin, feeds, REST or AJAX answers, embeds, AMP pages, or without a key.
 *
 * @return bool
 */
function corrigo_widget_wanted() {
	$options = corrigo_options();
	if ( '' === $options['url'] || '' === $options['site_key'] ) {
		return false;
	}
	if ( is_admin() || is_feed() || is_embed() || wp_doing_ajax() || ( defined( 'REST_REQUEST' ) && REST_REQUEST ) ) {
		return false;
	}
	if ( ( function_exists( 'amp_is_request' ) && amp_is_request() ) || ( function_exists( 'is_amp_endpoint' ) && is_amp_endpoint() ) ) {
		return false;
	}
	$wanted = is_singular( corrigo_post_types() );
	/**
	 * Filters whether the widget loads on the current page.
	 *
	 * @param bool         $wanted Whether it loads (a single view of a chosen post type).
	 * @param WP_Post|null $post   The page's post, if any.
	 */
	return (bool) apply_filters( 'corrigo_load_widget', $wanted, get_queried_object() instanceof WP_Post ? get_queried_object() : null );
}

/**
 * Enqueues the widget's loader (in the footer) on pages that get it.
 */
function corrigo_enqueue_widget() {
	if ( corrigo_widget_wanted() ) {
		$options = corrigo_options();
		// No version argument: the loader's address must stay what Corrigo serves and caches.
		wp_enqueue_script( CORRIGO_HANDLE, untrailingslashit( $options['url'] ) . '/widget.js', array(), null, true ); // phpcs:ignore WordPress.WP.EnqueuedResourceParameters.MissingVersion
	}
}

/**
 * The page's language as a BCP 47 tag (WordPress writes en_US, the widget reads en-US).
 *
 * @return string
 */
function corrigo_language() {
	return str_replace( '_', '-', get_locale() );
}

/**
 * Writes the widget's tag: deferred, with the site key, article selector, language, caption.
 *
 * @param string $tag    The tag WordPress made.
 * @param string $handle Its script handle.
 * @return string
 */
function corrigo_script_tag( $tag, $handle ) {
	if ( CORRIGO_HANDLE !== $handle ) {
		return $tag;
	}
	$options    = corrigo_options();
	$attributes = array(
		'src'          => esc_url( untrailingslashit( $options['url'] ) . '/widget.js' ),
		'data-site'    => esc_attr( $options['site_key'] ),
		'data-article' => esc_attr( $options['article'] ),
		'data-lang'    => esc_attr( corrigo_language() ),
	);
	if ( '' === $options['article'] ) {
		unset( $attributes['data-article'] );
	}
	if ( ! $options['caption'] ) {
		$attributes['data-caption'] = 'off';
	}
	$html = '<script';
	foreach ( $attributes as $name => $value ) {
		$html .= ' ' . $name . '="' . $value . '"';
	}
	return $html . " defer></script>\n";
}

/**
 * Puts the caption's place after the post's content, once, on pages that get the widget.
 *
 * The empty <corrigo-caption> element is the mark the widget honours: it fills it in
 * the reader's language instead of adding a caption of its own, so themes that end the
 * article early still show the caption right after the text.
 *
 * @param string $content The post's content.
 * @return string
 */
function corrigo_append_caption( $content ) {
	static $placed = false;
	// Block themes before WordPress 6.4 render the post's content outside "the loop".
	$rendering = in_the_loop() || ( function_exists( 'wp_is_block_theme' ) && wp_is_block_theme() && ! doing_action( 'wp_head' ) );
	if ( $placed || ! $rendering || ! is_main_query() || get_the_ID() !== get_queried_object_id() ) {
		return $content;
	}
	if ( ! corrigo_options()['caption'] || ! corrigo_widget_wanted() ) {
		return $content;
	}
	$placed = true;
	return $content . "\n<corrigo-caption></corrigo-caption>\n";
}
