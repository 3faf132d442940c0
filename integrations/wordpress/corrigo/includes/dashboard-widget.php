<?php
/**
 * A wp-admin dashboard widget: this site's open misprints, read from Corrigo's API
 * with the read-only token the settings keep, each linked to Corrigo's dashboard.
 *
 * @package Corrigo
 */

defined( 'ABSPATH' ) || exit;

/**
 * Adds the widget for those who may edit others' posts, once a token is kept.
 */
function corrigo_add_dashboard_widget() {
	$options = corrigo_options();
	if ( current_user_can( 'edit_others_posts' ) && '' !== $options['token'] && '' !== $options['url'] ) {
		wp_add_dashboard_widget( 'corrigo_open_misprints', __( 'Open misprints (Corrigo)', 'corrigo' ), 'corrigo_render_dashboard_widget' );
	}
}
add_action( 'wp_dashboard_setup', 'corrigo_add_dashboard_widget' );

/**
 * The open misprints, at most ten, cached for a minute.
 *
 * @return array|WP_Error Corrigo's inbox items.
 */
function corrigo_open_misprints() {
	$cached = get_transient( 'corrigo_open_misprints' );
	if ( is_array( $cached ) ) {
		return $cached;
	}
	$options = corrigo_options();
	$answer  = corrigo_api_get( $options['url'], '/api/v1/groups?status=open&limit=10&site=' . rawurlencode( $options['site_key'] ), $options['token'] );
	if ( is_wp_error( $answer ) ) {
		return $answer;
	}
	if ( 200 !== $answer['status'] || ! isset( $answer['body']['items'] ) || ! is_array( $answer['body']['items'] ) ) {
		/* translators: %d: an HTTP status code. */
		return new WP_Error( 'corrigo', sprintf( __( 'Corrigo answered HTTP %d; check the token on Settings → Corrigo.', 'corrigo' ), $answer['status'] ) );
	}
	set_transient( 'corrigo_open_misprints', $answer['body']['items'], MINUTE_IN_SECONDS );
	return $answer['body']['items'];
}

/**
 * The widget's content.
 */
function corrigo_render_dashboard_widget() {
	$options = corrigo_options();
	$items   = corrigo_open_misprints();
	$base    = untrailingslashit( $options['url'] );
	if ( is_wp_error( $items ) ) {
		echo '<p>' . esc_html( $items->get_error_message() ) . '</p>';
		return;
	}
	if ( ! $items ) {
		echo '<p>' . esc_html__( 'No open misprints.', 'corrigo' ) . '</p>';
	} else {
		echo '<ul>';
		foreach ( $items as $item ) {
			$quote = isset( $item['quote'] ) ? $item['quote'] : array();
			$count = isset( $item['report_count'] ) ? (int) $item['report_count'] : 1;
			echo '<li><a href="' . esc_url( $base . '/dashboard/groups/' . (int) $item['id'] ) . '">…' . esc_html( isset( $quote['prefix'] ) ? mb_substr( $quote['prefix'], -24 ) : '' ) . '<mark>' . esc_html( isset( $quote['exact'] ) ? $quote['exact'] : '' ) . '</mark>' . esc_html( isset( $quote['suffix'] ) ? mb_substr( $quote['suffix'], 0, 24 ) : '' ) . '…</a><br>';
			echo '<a href="' . esc_url( $item['url'] ) . '">' . esc_html( '' !== (string) $item['title'] ? $item['title'] : $item['url'] ) . '</a> · ';
			/* translators: %s: number of readers. */
			echo esc_html( sprintf( _n( '%s reader', '%s readers', $count, 'corrigo' ), number_format_i18n( $count ) ) ) . '</li>';
		}
		echo '</ul>';
	}
	echo '<p><a href="' . esc_url( $base . '/dashboard/' ) . '">' . esc_html__( 'All misprints in Corrigo', 'corrigo' ) . '</a></p>';
}
